package io.bdt.ap.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.pki.TlsContexts;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The AP's REST API over HTTPS (docs/security.md, "HTTPS"): a client trusting the CA that issued
 * the server certificate gets through, with host names verified; a client trusting another CA, a
 * host name the certificate does not name, and plain HTTP get nothing. CORS, when configured,
 * answers the configured origin only.
 */
@QuarkusTest
@QuarkusTestResource(value = ApUnderTls.class, restrictToAnnotatedClass = true)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ApHttpsTest {

  @TestHTTPResource(value = "/q/health/live", tls = true)
  URL live;

  private static HttpResponse<String> get(URI uri, Path trusted) throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(TlsContexts.trusting(Optional.of(trusted)))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return client.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void clientTrustingTheCaThatIssuedTheCertificateGetsAnAnswer() throws Exception {
    assertThat(live.getProtocol()).isEqualTo("https");
    assertThat(get(live.toURI(), ApUnderTls.ca).statusCode()).isEqualTo(200);
  }

  @Test
  void clientTrustingAnotherCaIsRefusedTheHandshake() {
    assertThatThrownBy(() -> get(live.toURI(), ApUnderTls.otherCa))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void hostNameTheCertificateDoesNotNameIsRefused() {
    // same server, same CA, but reached as localhost: the certificate names 127.0.0.1 only
    URI byName = URI.create("https://localhost:" + live.getPort() + live.getPath());
    assertThatThrownBy(() -> get(byName, ApUnderTls.ca))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("localhost");
  }

  @Test
  void corsWhenConfiguredAllowsTheConfiguredOriginOnly() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(TlsContexts.trusting(Optional.of(ApUnderTls.ca)))
            .build();
    URI status = URI.create("https://127.0.0.1:" + live.getPort() + "/status");
    for (String origin : new String[] {ApUnderTls.ALLOWED_ORIGIN, "https://elsewhere.example"}) {
      HttpResponse<String> preflight =
          client.send(
              HttpRequest.newBuilder(status)
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", origin)
                  .header("Access-Control-Request-Method", "GET")
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Optional<String> allowed = preflight.headers().firstValue("Access-Control-Allow-Origin");
      if (origin.equals(ApUnderTls.ALLOWED_ORIGIN)) {
        assertThat(allowed).as("allowed origin").contains(origin);
      } else {
        assertThat(allowed).as("other origin").isEmpty();
      }
    }
  }

  @Test
  void plainHttpGetsNoAnswer() {
    URI plain = URI.create("http://127.0.0.1:" + live.getPort() + live.getPath());
    assertThatThrownBy(() -> get(plain, ApUnderTls.ca)).isInstanceOf(IOException.class);
  }
}
