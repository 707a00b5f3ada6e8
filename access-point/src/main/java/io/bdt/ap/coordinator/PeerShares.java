package io.bdt.ap.coordinator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.contracts.gateway.GatewayRequestProof;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.ECKeyPair;

/**
 * Hands every AP its mining share of a joint decision, with the assignments of the gateways it
 * serves (which it checks their offloads against): this AP's directly ({@code self}), the others'
 * with a signed {@code POST /coordinator/mining-share} (the gateway-request proof scheme, signed
 * with this AP's chain key for the receiving AP's address; the receiver takes it only from an AP of
 * the genesis). An AP whose last push failed counts as unreachable for the next decision.
 */
public final class PeerShares implements SlotCoordinator.MiningShares {
  private static final Logger LOG = LoggerFactory.getLogger(PeerShares.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The path the shares are pushed to. */
  public static final String PATH = "/coordinator/mining-share";

  /** How this AP applies its own share and holds the assignments of the gateways it serves. */
  @FunctionalInterface
  public interface Local {
    void apply(long slot, double miningShareHz, List<ServingAssignment> gateways);
  }

  private final List<String> urls;
  private final List<String> addresses;
  private final int self;
  private final Local local;
  private final ECKeyPair key;
  private final Clock clock;
  private final HttpClient http;
  private final AtomicLongArray failedSince;
  private final AtomicLong failures = new AtomicLong();

  /**
   * @param urls HTTPS base URLs of the APs in genesis order (empty: push to none)
   * @param addresses the APs' addresses in genesis order
   * @param self this AP's index
   */
  public PeerShares(
      List<String> urls,
      List<String> addresses,
      int self,
      Local local,
      ECKeyPair key,
      SSLContext tls,
      Clock clock) {
    if (!urls.isEmpty() && urls.size() != addresses.size()) {
      throw new IllegalArgumentException(
          "bdt.ap.coordinator.aps: "
              + urls.size()
              + " URLs, but the genesis has "
              + addresses.size()
              + " APs (one URL per AP, in the genesis' order)");
    }
    this.urls = List.copyOf(urls);
    this.addresses = List.copyOf(addresses);
    this.self = self;
    this.local = local;
    this.key = key;
    this.clock = clock;
    this.failedSince = new AtomicLongArray(addresses.size());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(500))
            .sslContext(tls)
            .build();
  }

  @Override
  public void apply(long slot, double[] miningShareHz) {
    apply(slot, miningShareHz, List.of());
  }

  @Override
  public void apply(long slot, double[] miningShareHz, List<ServingAssignment> assignments) {
    for (int m = 0; m < miningShareHz.length; m++) {
      int ap = m;
      List<ServingAssignment> served =
          assignments.stream().filter(a -> a.servingAp() == ap).toList();
      if (m == self) {
        local.apply(slot, miningShareHz[m], served);
      } else if (m < urls.size()) {
        push(m, slot, miningShareHz[m], served);
      }
    }
  }

  private void push(int m, long slot, double hz, List<ServingAssignment> served) {
    byte[] body = body(slot, hz, served);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(urls.get(m) + PATH))
            .timeout(Duration.ofSeconds(1))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    GatewayRequestProof.of("POST", PATH, addresses.get(m), body, clock.millis())
        .headers(key)
        .forEach(request::setHeader);
    http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, error) -> {
              if (error == null && response.statusCode() / 100 == 2) {
                if (failedSince.getAndSet(m, 0) != 0) {
                  LOG.info("AP {} takes its mining shares again", m);
                }
                return;
              }
              failures.incrementAndGet();
              if (failedSince.compareAndSet(m, 0, clock.millis())) {
                LOG.warn(
                    "AP {} ({}) did not take its mining share for slot {}: {}",
                    m,
                    urls.get(m),
                    slot,
                    error != null
                        ? error.toString()
                        : response.statusCode() + " " + response.body());
              }
            });
  }

  /**
   * The pushed body: {@code {slot, miningShareHz, gateways: [{gateway, inferenceShare,
   * slotTasks}]}} ({@link CoordinatorResource#assignments} reads the list).
   */
  static byte[] body(long slot, double hz, List<ServingAssignment> served) {
    try {
      return JSON.writeValueAsBytes(
          Map.of(
              "slot",
              slot,
              "miningShareHz",
              hz,
              "gateways",
              served.stream()
                  .map(
                      a ->
                          Map.of(
                              "gateway", a.gateway(),
                              "inferenceShare", a.inferenceShare(),
                              "slotTasks", a.slotTasks()))
                  .toList()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot encode a mining share", e);
    }
  }

  /** Whether AP {@code m} took its last share (this AP always does). */
  public boolean reachable(int m) {
    return m == self || failedSince.get(m) == 0;
  }

  /** Pushes that failed since start. */
  public long failures() {
    return failures.get();
  }
}
