package io.bdt.platform.k8s;

import static io.bdt.platform.k8s.Manifests.K8S;
import static io.bdt.platform.k8s.Manifests.container;
import static io.bdt.platform.k8s.Manifests.render;
import static io.bdt.platform.k8s.Manifests.secretMountedAt;
import static io.bdt.platform.k8s.Manifests.volumeAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.pki.PlatformCa;
import io.bdt.pki.TlsContexts;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prod overlay runs the APs' peer protocol over mutual TLS ({@code wss://}) with a certificate
 * per AP from the {@code ap-p2p-tls} Secret that {@code new-network.sh} issues from the network's
 * CA; dev stays on plain {@code ws://} (one AP, no peers).
 */
@Timeout(120)
class ApPeerTlsManifestTest {
  static final List<String> TLS_FILES =
      List.of(
          "BDT_AP_CHAIN_TLS_CA_FILE", "BDT_AP_CHAIN_TLS_CERT_FILE", "BDT_AP_CHAIN_TLS_KEY_FILE");

  @BeforeAll
  static void kubectlIsHere() {
    Manifests.kubectlIsHere();
  }

  @Test
  void prodApsReadTheirOwnPeerCertificateAndKeyFromTheP2pTlsSecret() throws Exception {
    RenderedOverlay o = render("prod");
    Map<String, String> env = o.environment(container(o, "ap"));
    for (String file : TLS_FILES) {
      assertThat(env.get(file)).as(file).isNotBlank();
      assertThat(secretMountedAt(o.statefulSet("ap"), env.get(file).replace("$(POD_NAME)", "ap-0")))
          .as(file)
          .isEqualTo("ap-p2p-tls");
    }
    assertThat(env.get("BDT_AP_CHAIN_TLS_CA_FILE")).endsWith("/ca.pem");
    // ap-1 presents ap-1.pem: the certificate naming ap-1.ap, the host its peers dial
    assertThat(env.get("BDT_AP_CHAIN_TLS_CERT_FILE")).endsWith("/$(POD_NAME).pem");
    assertThat(env.get("BDT_AP_CHAIN_TLS_KEY_FILE")).endsWith("/$(POD_NAME)-key.pem");
    Volume v = volumeAt(o.statefulSet("ap"), env.get("BDT_AP_CHAIN_TLS_KEY_FILE"));
    assertThat(v.getSecret().getDefaultMode()).as("key files owner-only").isEqualTo(0400);
  }

  @Test
  void podNameIsDefinedBeforeTheVariablesThatReferToIt() throws Exception {
    // Kubernetes expands $(VAR) only from variables listed earlier; later ones stay literal
    RenderedOverlay o = render("prod");
    List<String> names = container(o, "ap").getEnv().stream().map(EnvVar::getName).toList();
    for (EnvVar v : container(o, "ap").getEnv()) {
      if (v.getValue() != null && v.getValue().contains("$(POD_NAME)")) {
        assertThat(names.indexOf(v.getName()))
            .as(v.getName())
            .isGreaterThan(names.indexOf("POD_NAME"));
      }
    }
  }

  @Test
  void prodPeersAreDialledOverTls() throws Exception {
    RenderedOverlay o = render("prod");
    String peers = o.environment(container(o, "ap")).get("BDT_AP_CHAIN_PEERS");
    assertThat(Stream.of(peers.split(",")).map(URI::create))
        .allSatisfy(u -> assertThat(u.getScheme()).isEqualTo("wss"));
  }

  @Test
  void devSetsNoneOfTheTlsFilesSoItsSingleApSpeaksPlainWs() throws Exception {
    // the node takes all three files or none
    RenderedOverlay o = render("dev");
    assertThat(o.environment(container(o, "ap")))
        .doesNotContainKeys(TLS_FILES.toArray(String[]::new));
  }

  @Test
  void newNetworkMakesTheP2pSecretFromPeerCertsFilesUnderTheNamesThePodsRead() throws Exception {
    assertThat(Manifests.secretsNewNetworkCreates()).contains("ap-p2p-tls");
    assertThat(Files.readString(K8S.resolve("new-network.sh")))
        .contains("deploy/k8s/peer-certs.sh")
        .contains("--from-file=ca.pem=$overlay/secrets/tls/ca.pem")
        .contains("--from-file=ap-$i.pem=$work/p2p/ap-$i.pem")
        .contains("--from-file=ap-$i-key.pem=$work/p2p/ap-$i-key.pem");
  }

  @Test
  void peerCertificatesAuthenticateBothEndsAndNameTheHostDialled(@TempDir Path dir)
      throws Exception {
    PlatformCa ca =
        PlatformCa.openOrCreate(
            dir.resolve("ca"), "test CA", Duration.ofDays(1), Clock.systemUTC());
    Path out = Files.createDirectory(dir.resolve("p2p"));
    Process p =
        new ProcessBuilder(
                K8S.resolve("peer-certs.sh").toString(),
                ca.certificateFile().toString(),
                ca.dir().resolve(PlatformCa.KEY_FILE).toString(),
                "2",
                out.toString())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(log).isZero();
    Path ca0 = ca.certificateFile();
    // ap-1 dials ap-0 by its DNS name: mutual TLS with the node's own files, host name checked
    assertThat(handshake(ca0, out, 0, 1, "ap-0.ap")).isTrue();
    // a certificate is good only for its own name: ap-0's does not pass as ap-1.ap
    assertThat(handshake(ca0, out, 0, 1, "ap-1.ap")).isFalse();
  }

  /** Whether AP {@code client} completes a mutual TLS handshake with AP {@code server} at host. */
  private static boolean handshake(Path ca, Path dir, int server, int client, String host)
      throws Exception {
    SSLContext serving = context(ca, dir, server);
    SSLContext dialling = context(ca, dir, client);
    try (SSLServerSocket listener =
        (SSLServerSocket)
            serving
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      var accepted =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                  s.startHandshake();
                  return s.getSession().getPeerCertificates().length > 0;
                } catch (IOException e) {
                  return false;
                }
              });
      boolean ok;
      try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
          SSLSocket s =
              (SSLSocket)
                  dialling
                      .getSocketFactory()
                      .createSocket(plain, host, listener.getLocalPort(), true)) {
        SSLParameters parameters = s.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(parameters);
        s.startHandshake();
        s.getOutputStream().write(1);
        ok = true;
      } catch (IOException refused) {
        ok = false;
      }
      return ok && accepted.get(30, TimeUnit.SECONDS);
    }
  }

  private static SSLContext context(Path ca, Path dir, int ap) throws IOException {
    return TlsContexts.fromPem(
        ca,
        Optional.of(dir.resolve("ap-" + ap + ".pem")),
        Optional.of(dir.resolve("ap-" + ap + "-key.pem")));
  }
}
