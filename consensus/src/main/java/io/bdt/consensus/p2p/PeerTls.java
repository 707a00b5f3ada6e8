package io.bdt.consensus.p2p;

import io.bdt.pki.Pem;
import io.bdt.pki.TlsContexts;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.server.WebSocketServer;

/**
 * TLS for the peer protocol ({@code wss://}), mutual: a node presents {@code certFile} (PEM chain,
 * issued by the platform CA for the host names peers dial, for both the server and the client
 * purpose: {@code PlatformCa.issuePeer}) with {@code keyFile} (PEM PKCS#8), and accepts only peers,
 * dialled or dialling, whose certificate chains to a CA in {@code caFile}; a dialled peer's
 * certificate must also name the host dialled. The node-key handshake runs inside it unchanged.
 */
public record PeerTls(Path caFile, Path certFile, Path keyFile) {
  public PeerTls {
    if (caFile == null || certFile == null || keyFile == null) {
      throw new IllegalArgumentException(
          "P2P TLS needs the CA file, the node's certificate file and its key file, got "
              + caFile
              + ", "
              + certFile
              + ", "
              + keyFile);
    }
  }

  /** The TLS context these files describe; {@code refused} runs for each certificate refused. */
  SSLContext context(Runnable refused) throws IOException {
    try {
      char[] none = new char[0];
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(
          TlsContexts.keyStore(Pem.readCertificates(certFile), Pem.readPrivateKey(keyFile), none),
          none);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(TlsContexts.trustStore(Pem.readCertificates(caFile)));
      X509ExtendedTrustManager ca = null;
      for (TrustManager t : trust.getTrustManagers()) {
        if (t instanceof X509ExtendedTrustManager x) {
          ca = x;
        }
      }
      if (ca == null) {
        throw new GeneralSecurityException("no X.509 trust manager for " + caFile);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      X509ExtendedKeyManager own = null;
      for (KeyManager k : keys.getKeyManagers()) {
        if (k instanceof X509ExtendedKeyManager x) {
          own = x;
        }
      }
      if (own == null) {
        throw new GeneralSecurityException("no X.509 key manager for " + certFile);
      }
      context.init(
          new KeyManager[] {new AlwaysPresent(own)},
          new TrustManager[] {new Counted(ca, refused)},
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "P2P TLS: cannot build a TLS context from " + caFile + ", " + certFile + ": " + e, e);
    }
  }

  /**
   * Makes {@code server} speak TLS and require a client certificate from the CA; {@code pending}
   * takes application bytes a connection holds when its handshake ends ({@link PeerTlsServer}).
   */
  static void serve(WebSocketServer server, SSLContext context, PeerTlsServer.Pending pending) {
    SSLParameters parameters = context.getDefaultSSLParameters();
    parameters.setNeedClientAuth(true);
    server.setWebSocketFactory(new PeerTlsServer(context, parameters, pending));
  }

  /** Makes {@code client} (a {@code wss://} dial) present our certificate and trust only the CA. */
  static void dial(WebSocketClient client, SSLContext context) {
    client.setSocketFactory(context.getSocketFactory());
  }

  /**
   * Our one certificate, presented to every peer: the JDK would present none to a server whose CA
   * list does not name our issuer, and that peer would refuse an empty chain without its CA check
   * (so without counting it). Offered regardless, a foreign certificate is refused, and counted, by
   * the peer's CA check.
   */
  private static final class AlwaysPresent extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager own;

    AlwaysPresent(X509ExtendedKeyManager own) {
      this.own = own;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return own.chooseClientAlias(keyTypes, null, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine e) {
      return own.chooseEngineClientAlias(keyTypes, null, e);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return own.chooseServerAlias(keyType, null, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine e) {
      return own.chooseEngineServerAlias(keyType, null, e);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return own.getClientAliases(keyType, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return own.getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return own.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return own.getPrivateKey(alias);
    }
  }

  /** The CA's trust decisions, with each refusal counted. */
  private static final class Counted extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager ca;
    private final Runnable refused;

    Counted(X509ExtendedTrustManager ca, Runnable refused) {
      this.ca = ca;
      this.refused = refused;
    }

    private interface Check {
      void run() throws CertificateException;
    }

    private void counted(Check check) throws CertificateException {
      try {
        check.run();
      } catch (CertificateException e) {
        refused.run();
        throw e;
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String auth, Socket s)
        throws CertificateException {
      counted(() -> ca.checkClientTrusted(chain, auth, s));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String auth, Socket s)
        throws CertificateException {
      counted(() -> ca.checkServerTrusted(chain, auth, s));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String auth, SSLEngine e)
        throws CertificateException {
      counted(() -> ca.checkClientTrusted(chain, auth, e));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String auth, SSLEngine e)
        throws CertificateException {
      counted(() -> ca.checkServerTrusted(chain, auth, e));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String auth)
        throws CertificateException {
      counted(() -> ca.checkClientTrusted(chain, auth));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String auth)
        throws CertificateException {
      counted(() -> ca.checkServerTrusted(chain, auth));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return ca.getAcceptedIssuers();
    }
  }
}
