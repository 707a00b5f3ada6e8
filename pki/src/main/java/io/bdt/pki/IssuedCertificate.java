package io.bdt.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate the platform CA issued, with its private key and the chain up to the CA.
 *
 * @param certificate the leaf certificate
 * @param key its private key
 * @param issuer the CA certificate that signed it
 */
public record IssuedCertificate(
    X509Certificate certificate, PrivateKey key, X509Certificate issuer) {

  public IssuedCertificate {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(issuer, "issuer");
  }

  /** Leaf then CA: what a TLS peer sends. */
  public List<X509Certificate> chain() {
    return List.of(certificate, issuer);
  }

  /** Writes the chain to {@code certFile} and the key (owner-only) to {@code keyFile}. */
  public void write(Path certFile, Path keyFile) throws IOException {
    Pem.writePrivateKey(keyFile, key);
    Pem.writeCertificates(certFile, chain());
  }
}
