package io.bdt.pki;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The platform CA's certificate revocation list, {@value #FILE} beside the CA: the serial numbers
 * of the client certificates it revoked, signed by the CA (a TLS server checks a certificate
 * against the CRL of the CA that issued it, so only the CA key's holder can write it) and signed
 * again on every change. For TLS servers that check client certificates against a CRL file
 * (Mosquitto's {@code crlfile}, reread on SIGHUP).
 *
 * <p>The file is replaced atomically (a temporary file and a rename): Mosquitto 2.0.11, when it
 * rereads a CRL file that does not parse, keeps serving the listener without any CRL and lets the
 * revoked certificates in (checked), so it must never see one half written.
 */
public final class RevocationList {

  /** The CRL's file name in the CA's directory, PEM ({@code -----BEGIN X509 CRL-----}). */
  public static final String FILE = "crl.pem";

  private final PlatformCa ca;
  private final Clock clock;
  private final Map<BigInteger, java.time.Instant> revoked;

  private RevocationList(PlatformCa ca, Clock clock, Map<BigInteger, java.time.Instant> revoked) {
    this.ca = ca;
    this.clock = clock;
    this.revoked = revoked;
  }

  /**
   * The revocation list of {@code ca}: what its {@value #FILE} holds, or none revoked when there is
   * no such file yet.
   *
   * @throws IOException when the file does not parse or is not signed by {@code ca}
   */
  public static RevocationList open(PlatformCa ca, Clock clock) throws IOException {
    Map<BigInteger, java.time.Instant> revoked = new TreeMap<>();
    Path file = ca.dir().resolve(FILE);
    if (Files.exists(file)) {
      X509CRL crl = read(file);
      try {
        crl.verify(ca.publicKey());
      } catch (GeneralSecurityException e) {
        throw new IOException(file + " is not signed by the CA in " + ca.dir() + ": " + e, e);
      }
      if (crl.getRevokedCertificates() != null) {
        for (X509CRLEntry entry : crl.getRevokedCertificates()) {
          revoked.put(entry.getSerialNumber(), entry.getRevocationDate().toInstant());
        }
      }
    }
    return new RevocationList(ca, clock, revoked);
  }

  /** Reads a PEM (or DER) CRL file. */
  public static X509CRL read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " holds no X.509 CRL: " + e.getMessage(), e);
    }
  }

  /** The CRL file. */
  public Path file() {
    return ca.dir().resolve(FILE);
  }

  /** Whether {@code certificate}'s serial number is on the list. */
  public boolean revoked(X509Certificate certificate) {
    return revoked.containsKey(certificate.getSerialNumber());
  }

  /**
   * Adds {@code certificate} to the list and writes the list, signed anew and valid for {@code
   * validity}.
   *
   * @throws IllegalArgumentException when the CA did not issue {@code certificate}
   */
  public X509CRL revoke(X509Certificate certificate, Duration validity) throws IOException {
    if (!ca.issued(certificate)) {
      throw new IllegalArgumentException(
          "the certificate "
              + certificate.getSubjectX500Principal().getName()
              + " (serial "
              + certificate.getSerialNumber().toString(16)
              + ") was not issued by the CA in "
              + ca.dir());
    }
    revoked.putIfAbsent(certificate.getSerialNumber(), clock.instant());
    return write(validity);
  }

  /**
   * Signs the list anew, valid for {@code validity} from now, and writes it (also to renew it
   * before its nextUpdate passes, or to make the first, empty one a server needs before any
   * certificate is revoked).
   */
  public X509CRL write(Duration validity) throws IOException {
    X509CRL crl = ca.signRevocationList(revoked, validity);
    Pem.writeAtomically(file(), Pem.encode(crl), false);
    return crl;
  }
}
