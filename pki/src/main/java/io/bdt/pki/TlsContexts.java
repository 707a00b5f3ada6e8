package io.bdt.pki;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * TLS contexts and key stores built from PEM files: a peer trusts the CA certificates in one PEM
 * file and, for mutual TLS, presents its own certificate chain and key from two more.
 */
public final class TlsContexts {

  private TlsContexts() {}

  /**
   * A TLS 1.2/1.3 context that trusts the certificates in {@code trustedPem} and presents {@code
   * certPem}/{@code keyPem} when both are given (mutual TLS), nothing otherwise.
   */
  public static SSLContext fromPem(Path trustedPem, Optional<Path> certPem, Optional<Path> keyPem)
      throws IOException {
    if (certPem.isPresent() != keyPem.isPresent()) {
      throw new IllegalArgumentException(
          "a client certificate needs both its certificate and its key file, got only "
              + certPem.or(() -> keyPem).orElseThrow());
    }
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore(Pem.readCertificates(trustedPem)));
      KeyManagerFactory keys = null;
      if (certPem.isPresent()) {
        char[] none = new char[0];
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(
            keyStore(Pem.readCertificates(certPem.get()), Pem.readPrivateKey(keyPem.get()), none),
            none);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build a TLS context from " + trustedPem + ": " + e, e);
    }
  }

  /**
   * A client context like {@link #fromPem} with a client certificate, except that it presents
   * {@code certPem} whatever certificate authorities the server names in its request (a JDK client
   * left to choose sends no certificate when the server names another CA; OpenSSL clients such as
   * {@code mosquitto_pub --cert} send theirs anyway). What a server sees from a device holding a
   * certificate of the wrong CA.
   */
  public static SSLContext presenting(Path trustedPem, Path certPem, Path keyPem)
      throws IOException {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore(Pem.readCertificates(trustedPem)));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          new KeyManager[] {
            new AlwaysPresenting(
                Pem.readCertificates(certPem).toArray(X509Certificate[]::new),
                Pem.readPrivateKey(keyPem))
          },
          trust.getTrustManagers(),
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build a TLS context from " + trustedPem + ": " + e, e);
    }
  }

  /** A client key manager with one certificate, chosen for every request. */
  private static final class AlwaysPresenting extends X509ExtendedKeyManager {
    private static final String ALIAS = "client";
    private final X509Certificate[] chain;
    private final PrivateKey key;

    AlwaysPresenting(X509Certificate[] chain, PrivateKey key) {
      this.chain = chain;
      this.key = key;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return key;
    }
  }

  /**
   * A client context that trusts the CA certificates in {@code caPem} when given (the platform's
   * {@code pki/ca.pem}), else the JDK's default trust store. Host names are verified by the client
   * that uses it ({@code java.net.http.HttpClient} does by default).
   */
  public static SSLContext trusting(Optional<Path> caPem) throws IOException {
    if (caPem.isPresent()) {
      return fromPem(caPem.get(), Optional.empty(), Optional.empty());
    }
    try {
      return SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IOException("no default TLS context: " + e, e);
    }
  }

  /** An in-memory PKCS#12 store holding {@code chain} under the alias {@code key}. */
  public static KeyStore keyStore(List<X509Certificate> chain, PrivateKey key, char[] password)
      throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("empty key store", e);
    }
    store.setKeyEntry("key", key, password, chain.toArray(new Certificate[0]));
    return store;
  }

  /** An in-memory PKCS#12 store trusting {@code certificates}. */
  public static KeyStore trustStore(List<X509Certificate> certificates)
      throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException("empty trust store", e);
    }
    for (int i = 0; i < certificates.size(); i++) {
      store.setCertificateEntry("ca-" + i, certificates.get(i));
    }
    return store;
  }

  /** Writes {@code store} to {@code file} (owner-only) protected by {@code password}. */
  public static void write(KeyStore store, Path file, char[] password) throws IOException {
    Pem.writeAtomically(file, "", true);
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot write key store " + file + ": " + e, e);
    }
  }
}
