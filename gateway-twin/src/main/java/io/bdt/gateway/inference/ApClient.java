package io.bdt.gateway.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.contracts.gateway.GatewayRequestProof;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.web3j.crypto.ECKeyPair;

/**
 * HTTP(S) client of the AP protocol (docs/gateway-twin.md): {@code GET /status}, {@code POST
 * /offload} with a codec frame, {@code POST /receipts}. Every request carries the gateway's proof,
 * signed with its chain key ({@link GatewayRequestProof}; writes for the AP's address, learnt from
 * its status). Every failure is an {@link IOException} naming the AP and what went wrong.
 */
public final class ApClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ECKeyPair key;
  private final Clock clock;
  private final Map<String, String> apAddresses = new ConcurrentHashMap<>();

  private final HttpClient http;
  private final UplinkShaper shaper;

  /**
   * A client that signs its requests with the gateway's chain {@code key} and trusts the APs' HTTPS
   * certificates {@code tls} trusts (host names verified); uploads are not paced.
   */
  public ApClient(ECKeyPair key, Clock clock, SSLContext tls) {
    this(key, clock, tls, null);
  }

  /**
   * A client as above whose offloads {@code shaper} paces to each AP's uplink rate (null: not
   * paced).
   */
  public ApClient(ECKeyPair key, Clock clock, SSLContext tls, UplinkShaper shaper) {
    this.key = key;
    this.clock = clock;
    this.shaper = shaper;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .sslContext(tls)
            .build();
  }

  /** The AP's status; throws if it does not answer within {@code timeout}. */
  public ApStatus status(String baseUrl, Duration timeout)
      throws IOException, InterruptedException {
    return status(baseUrl, -1, timeout);
  }

  /**
   * The AP's status with what this gateway can claim there in slot {@code slot} ({@code < 0}: no
   * slot, {@link ApStatus#slotInferenceAvailable()} NaN); throws if it does not answer within
   * {@code timeout}.
   */
  public ApStatus status(String baseUrl, long slot, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/status" + (slot >= 0 ? "?slot=" + slot : "")))
            .timeout(timeout)
            .GET();
    sign(request, "GET", "/status", "", new byte[0]);
    HttpResponse<byte[]> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body = ok(baseUrl + "/status", response);
    if (GatewayRequestProof.isAddress(body.path("ap").asText())) {
      apAddresses.put(baseUrl, body.path("ap").asText());
    }
    return new ApStatus(
        body.path("ap").asText(""),
        number(body, "budget", baseUrl),
        number(body, "queue", baseUrl),
        number(body, "reputation", baseUrl),
        body.path("inferenceShare").asDouble(0),
        body.path("miningShare").asDouble(0),
        body.path("coordinatorPolicy").asText(io.bdt.optimizer.dpra.Dpra.NAME),
        body.path("slotInferenceAvailable").isNumber()
            ? body.get("slotInferenceAvailable").asDouble()
            : Double.NaN,
        speeds(body.path("apFlopsPerCycle")));
  }

  /** The numeric entries of a {@code /status} {@code apFlopsPerCycle} object, by model id. */
  private static Map<String, Double> speeds(JsonNode node) {
    Map<String, Double> out = new java.util.TreeMap<>();
    node.properties()
        .forEach(
            e -> {
              if (e.getValue().isNumber()) {
                out.put(e.getKey(), e.getValue().asDouble());
              }
            });
    return out;
  }

  /**
   * Offloads one frame; {@code headers} are the {@code X-Bdt-*} headers of the protocol. With a
   * shaper the frame leaves when the AP's token bucket has paid for its bits; the round trip counts
   * from before that wait, so it includes the transfer at the shaped rate.
   *
   * @throws OffloadRefused when the AP answers other than 200 (its reason attached)
   */
  public OffloadResult offload(String baseUrl, byte[] frame, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/offload"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/vnd.bdt.frame")
            .POST(HttpRequest.BodyPublishers.ofByteArray(frame));
    headers.forEach(request::header);
    sign(request, "POST", "/offload", audience(baseUrl), frame);
    long start = System.nanoTime();
    if (shaper != null) {
      shaper.take(baseUrl, frame.length * 8.0);
    }
    HttpResponse<byte[]> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    double seconds = (System.nanoTime() - start) / 1e9;
    if (response.statusCode() != 200) {
      throw refused(baseUrl + "/offload", response);
    }
    JsonNode body = ok(baseUrl + "/offload", response);
    JsonNode p = body.path("probabilities");
    if (!p.isArray() || p.isEmpty() || !body.path("label").isTextual()) {
      throw new IOException(baseUrl + "/offload answered without label and probabilities: " + body);
    }
    double[] probabilities = new double[p.size()];
    for (int i = 0; i < probabilities.length; i++) {
      probabilities[i] = p.get(i).asDouble();
    }
    return new OffloadResult(
        body.get("label").asText(),
        probabilities,
        body.path("tailFlops").asLong(0),
        body.path("apSeconds").asDouble(0),
        seconds,
        body.path("tailLoadSeconds").asDouble(0),
        body.path("loadWaitSeconds").asDouble(0));
  }

  /**
   * Posts this gateway's slot demand to the slot coordinator on the AP at {@code baseUrl} and waits
   * at most {@code timeout} for its part of the joint decision.
   *
   * @throws OffloadRefused when the coordinator answered and refused the demand (4xx, e.g. {@code
   *     LATE}: the slot is decided already)
   * @throws IOException when the AP does not answer in time or cannot decide
   */
  public SlotAssignment demand(String baseUrl, ObjectNode demand, Duration timeout)
      throws IOException, InterruptedException {
    byte[] body = JSON.writeValueAsBytes(demand);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/coordinator/demand"))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    sign(request, "POST", "/coordinator/demand", audience(baseUrl, timeout), body);
    HttpResponse<byte[]> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() / 100 == 4) {
      throw refused(baseUrl + "/coordinator/demand", response);
    }
    JsonNode a = ok(baseUrl + "/coordinator/demand", response);
    return new SlotAssignment(
        a.path("slot").asLong(),
        a.path("cut").asInt(),
        a.path("servingAp").asInt(),
        number(a, "inferenceShare", baseUrl),
        number(a, "miningShare", baseUrl),
        number(a, "predictedSecondsPerSample", baseUrl),
        a.path("gateways").asInt(),
        a.path("coordinator").asText(""));
  }

  /** Hands a signed receipt to the AP ({@code 202} expected). */
  public void submitReceipt(String baseUrl, ObjectNode receipt)
      throws IOException, InterruptedException {
    byte[] body = JSON.writeValueAsBytes(receipt);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/receipts"))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    sign(request, "POST", "/receipts", audience(baseUrl), body);
    HttpResponse<byte[]> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          baseUrl
              + "/receipts answered "
              + response.statusCode()
              + ": "
              + new String(response.body()));
    }
  }

  /** The chain address of the AP at {@code baseUrl} (asked for with a status if unknown). */
  public String address(String baseUrl) throws IOException, InterruptedException {
    return audience(baseUrl);
  }

  /** The AP's address writes are signed for: from its last status, asked for now if unknown. */
  private String audience(String baseUrl) throws IOException, InterruptedException {
    return audience(baseUrl, Duration.ofSeconds(2));
  }

  private String audience(String baseUrl, Duration timeout)
      throws IOException, InterruptedException {
    String address = apAddresses.get(baseUrl);
    if (address == null) {
      status(baseUrl, timeout);
      address = apAddresses.get(baseUrl);
    }
    if (address == null) {
      throw new IOException(baseUrl + "/status named no AP address to sign requests for");
    }
    return address;
  }

  private void sign(
      HttpRequest.Builder request, String method, String path, String audience, byte[] body) {
    GatewayRequestProof.of(method, path, audience, body, clock.millis())
        .headers(key)
        .forEach(request::setHeader);
  }

  private static JsonNode ok(String url, HttpResponse<byte[]> response) throws IOException {
    if (response.statusCode() != 200) {
      throw new IOException(
          url + " answered " + response.statusCode() + ": " + new String(response.body()));
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IOException(url + " answered with invalid JSON: " + e.getMessage(), e);
    }
  }

  /** The refusal in a non-200 offload answer, with the AP's {@code reason} when it names one. */
  private static OffloadRefused refused(String url, HttpResponse<byte[]> response) {
    String reason = "HTTP_" + response.statusCode();
    try {
      JsonNode body = JSON.readTree(response.body());
      if (body != null && body.path("reason").isTextual()) {
        reason = body.get("reason").asText();
      }
    } catch (IOException e) {
      // not JSON: the status names the refusal
    }
    return new OffloadRefused(
        reason, url + " answered " + response.statusCode() + ": " + new String(response.body()));
  }

  private static double number(JsonNode body, String field, String url) throws IOException {
    JsonNode value = body.get(field);
    if (value == null || !value.isNumber() || !Double.isFinite(value.asDouble())) {
      throw new IOException(url + ": field " + field + " must be a finite number, got " + value);
    }
    return value.asDouble();
  }
}
