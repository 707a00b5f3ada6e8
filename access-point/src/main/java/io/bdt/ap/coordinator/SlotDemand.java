package io.bdt.ap.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.joint.GatewayDemand;
import java.util.ArrayList;
import java.util.List;

/**
 * What a gateway posts to the slot coordinator for slot {@code t} ({@code POST
 * /coordinator/demand}, docs/dpra.md, "The slot coordinator"): its task size, the model it runs
 * (name and SHA-256 of the ONNX bytes: the coordinator prices it with its own analysis of that
 * registered model, so a gateway cannot misstate its costs), its uplink estimate, its compute rate
 * and the AP that serves it.
 *
 * @param slot {@code t} on the ledger's slot clock
 * @param samples {@code b_n(t)} >= 1
 * @param model the model's registered name
 * @param modelHash its hash, 64 hex digits
 * @param uplinkRate {@code r_n(t)}, bit/s
 * @param gatewayFlopsPerSecond {@code phi_G f_n^G}, FLOP/s
 * @param servingAp {@code m(n)}: index into the genesis' {@code accessPoints}
 */
public record SlotDemand(
    long slot,
    int samples,
    String model,
    String modelHash,
    double uplinkRate,
    double gatewayFlopsPerSecond,
    int servingAp) {

  /**
   * Reads and checks a demand; every problem names its field.
   *
   * @param aps the number of APs in the genesis
   * @throws IllegalArgumentException listing what is missing or wrong
   */
  public static SlotDemand read(JsonNode body, int aps) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("demand: must be a JSON object");
    }
    List<String> problems = new ArrayList<>();
    long slot = whole(body, "slot", 0, Long.MAX_VALUE, problems);
    long samples = whole(body, "samples", 1, 1 << 20, problems);
    long serving = whole(body, "servingAp", 0, aps - 1L, problems);
    String model = body.path("model").asText("");
    if (model.isBlank() || model.length() > 200) {
      problems.add("model: must name the registered model (1-200 characters)");
    }
    String hash = body.path("modelHash").asText("");
    if (!hash.matches("[0-9a-f]{64}")) {
      problems.add("modelHash: must be the model's SHA-256, 64 lower-case hex digits");
    }
    double rate = positive(body, "uplinkRate", problems);
    double flops = positive(body, "gatewayFlopsPerSecond", problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new SlotDemand(slot, (int) samples, model, hash, rate, flops, (int) serving);
  }

  /** The optimizer's demand of gateway {@code gateway}, with the model priced by {@code costs}. */
  public GatewayDemand toDemand(String gateway, CostTable costs) {
    return new GatewayDemand(gateway, samples, costs, servingAp, uplinkRate, gatewayFlopsPerSecond);
  }

  private static long whole(JsonNode body, String field, long min, long max, List<String> out) {
    JsonNode v = body.get(field);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      out.add(field + ": must be a whole number in [" + min + ", " + max + "]");
      return 0;
    }
    long n = v.asLong();
    if (n < min || n > max) {
      out.add(field + ": must be a whole number in [" + min + ", " + max + "], was " + n);
    }
    return n;
  }

  private static double positive(JsonNode body, String field, List<String> out) {
    JsonNode v = body.get(field);
    double d = v == null || !v.isNumber() ? Double.NaN : v.asDouble();
    if (!(d > 0) || Double.isInfinite(d)) {
      out.add(field + ": must be a finite number > 0, was " + v);
    }
    return d;
  }
}
