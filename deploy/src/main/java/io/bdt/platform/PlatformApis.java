package io.bdt.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The running platform's APIs: their URLs as the console lists them (name, URL and what is there),
 * and JSON reads of them with a token.
 */
final class PlatformApis {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PlatformApis() {}

  /** GET {@code url} with {@code token} as JSON, or null when it does not answer 200. */
  static JsonNode getJson(HttpClient http, String token, String url) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Authorization", "Bearer " + token)
                  // a service's first token check loads the JWT classes: seconds on a busy machine
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The URL of every API, broker first, then gateways, APs and the explorer. */
  static Map<String, String> of(
      String mqttUrl,
      Optional<MqttBroker> broker,
      PlatformPki pki,
      List<ServiceProcess> gateways,
      List<ServiceProcess> aps,
      List<Integer> rpcPorts,
      Optional<ServiceProcess> explorer) {
    Map<String, String> u = new LinkedHashMap<>();
    u.put(
        "mqtt",
        mqttUrl
            + broker
                .map(
                    b ->
                        " (embedded HiveMQ CE, TLS with CA "
                            + pki.caCertificate()
                            + "; every client authenticates: devices as their id with their issued"
                            + " secret)"
                            + (b.url() != null ? ", plain text " + b.url() : ""))
                .orElse(""));
    for (ServiceProcess gw : gateways) {
      u.put(
          gw.name(), gw.baseUrl() + "  (twins: /twins, OpenAPI: /q/openapi, metrics: /q/metrics)");
    }
    for (int m = 0; m < aps.size(); m++) {
      u.put(
          aps.get(m).name(),
          aps.get(m).baseUrl()
              + "  (status: /status, explorer: /explorer, chain JSON-RPC: http://127.0.0.1:"
              + rpcPorts.get(m)
              + ")");
    }
    explorer.ifPresent(
        e ->
            u.put(
                "explorer", e.baseUrl() + "  (audit explorer: pages, JSON API /api, twin audit)"));
    return u;
  }
}
