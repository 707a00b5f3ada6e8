package io.bdt.platform;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;

/**
 * Reads the services on the namespace hosts the way the launcher does: an HTTPS GET with the admin
 * token, sums of Prometheus samples, and each AP node's chain head and block hashes over JSON-RPC.
 * Every read that finds its target down answers a "not there" value instead of throwing.
 */
final class NetnsProbe {
  private final HttpClient http;
  private final String adminToken;
  private final Function<String, String> baseUrl;
  private final Map<String, Web3j> rpc;

  /**
   * Reads with {@code http} and {@code adminToken}; {@code baseUrl} gives a host's HTTPS base URL,
   * {@code rpc} each AP host's node client (read when used: the platform fills it as the APs
   * start).
   */
  NetnsProbe(
      HttpClient http,
      String adminToken,
      Function<String, String> baseUrl,
      Map<String, Web3j> rpc) {
    this.http = http;
    this.adminToken = adminToken;
    this.baseUrl = baseUrl;
    this.rpc = rpc;
  }

  /** GET {@code path} on {@code host}'s HTTPS port as text, or null when it does not answer 200. */
  String get(String host, String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(baseUrl.apply(host) + path))
                  .header("Authorization", "Bearer " + adminToken)
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * The sum of {@code metric}'s samples (every label set) on {@code host}'s {@code /q/metrics}, or
   * -1 when it does not answer.
   */
  double metric(String host, String metric) {
    String text = get(host, "/q/metrics");
    if (text == null) {
      return -1;
    }
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /**
   * {@code metric}'s samples on {@code host} by the value of their label {@code label} (e.g. the
   * gateways' tasks per cut {@code k}), empty when it does not answer.
   */
  Map<String, Long> metricBy(String host, String metric, String label) {
    Map<String, Long> by = new java.util.TreeMap<>();
    String text = get(host, "/q/metrics");
    String key = label + "=\"";
    for (String line : text == null ? new String[0] : text.split("\n")) {
      int at = line.indexOf(key);
      if (line.startsWith(metric + "{") && at > 0) {
        String value = line.substring(at + key.length(), line.indexOf('"', at + key.length()));
        by.merge(
            value, (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Long::sum);
      }
    }
    return by;
  }

  /** {@code ap}'s chain head, or -1 when its node does not answer. */
  long head(String ap) {
    try {
      return rpc.get(ap).ethBlockNumber().send().getBlockNumber().longValueExact();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Block {@code number}'s hash on {@code ap}, or null. */
  String blockHash(String ap, long number) {
    try {
      var block =
          rpc.get(ap)
              .ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false)
              .send()
              .getBlock();
      return block == null ? null : block.getHash();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
