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
 * registered model, so a gateway cannot misstate its costs), its uplink estimate, its compute rate,
 * its current AP and every AP it can reach with its uplink rate to each (the coordinator chooses
 * the serving AP among them: docs/dpra.md, "Association"), and its measured fixed costs per head
 * run and per offload (optional, 0 when absent: the system model's).
 *
 * @param slot {@code t} on the ledger's slot clock
 * @param samples {@code b_n(t)} >= 1
 * @param model the model's registered name
 * @param modelHash its hash, 64 hex digits
 * @param uplinkRate {@code r_n(t)}, bit/s
 * @param gatewayFlopsPerSecond {@code phi_G f_n^G}, FLOP/s
 * @param servingAp {@code m(n)}: index into the genesis' {@code accessPoints}, its current AP
 * @param inRange {@code M_n}: every AP it can offload to with its rate {@code r_nm(t)} this slot,
 *     {@code servingAp} among them; only {@code servingAp} when the demand names none (the
 *     association is then fixed)
 * @param fixedCosts {@code delta_G} and {@code delta_off} as the gateway measures them
 *     (docs/dpra.md, "Fixed costs in the slot cost")
 */
public record SlotDemand(
    long slot,
    int samples,
    String model,
    String modelHash,
    double uplinkRate,
    double gatewayFlopsPerSecond,
    int servingAp,
    List<GatewayDemand.ApLink> inRange,
    GatewayDemand.FixedCosts fixedCosts) {

  /** The largest fixed cost a demand may state, seconds: more than a slot is not a fixed cost. */
  public static final double MAX_FIXED_SECONDS = 10;

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
    List<GatewayDemand.ApLink> inRange = inRange(body, aps, (int) serving, rate, problems);
    double headRun = fixedSeconds(body, "headRunSeconds", problems);
    double offload = fixedSeconds(body, "offloadSeconds", problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new SlotDemand(
        slot,
        (int) samples,
        model,
        hash,
        rate,
        flops,
        (int) serving,
        inRange,
        new GatewayDemand.FixedCosts(headRun, offload));
  }

  /** The optimizer's demand of gateway {@code gateway}, with the model priced by {@code costs}. */
  public GatewayDemand toDemand(String gateway, CostTable costs) {
    return new GatewayDemand(
            gateway, samples, costs, servingAp, uplinkRate, gatewayFlopsPerSecond, inRange)
        .withFixedCosts(fixedCosts);
  }

  /**
   * The {@code inRange} array ({@code [{"ap": m, "uplinkRate": bit/s, "apFlopsPerCycle": phi},
   * ...]}): each AP an index of the genesis, named once, with a finite rate {@code > 0} and
   * optionally the gateway's measured {@code phi_A} of that AP (absent or 0: not measured), the
   * serving AP among them; absent, only the serving AP at {@code uplinkRate}.
   */
  private static List<GatewayDemand.ApLink> inRange(
      JsonNode body, int aps, int serving, double rate, List<String> out) {
    JsonNode links = body.get("inRange");
    if (links == null || links.isNull()) {
      return List.of(new GatewayDemand.ApLink(Math.max(0, serving), rate > 0 ? rate : 1));
    }
    if (!links.isArray() || links.isEmpty() || links.size() > aps) {
      out.add("inRange: must list 1 to " + aps + " APs as {ap, uplinkRate}");
      return List.of();
    }
    List<GatewayDemand.ApLink> in = new ArrayList<>();
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < links.size(); i++) {
      List<String> problems = new ArrayList<>();
      long ap = whole(links.get(i), "ap", 0, aps - 1L, problems);
      double linkRate = positive(links.get(i), "uplinkRate", problems);
      double apSpeed = measuredSpeed(links.get(i), problems);
      if (problems.isEmpty() && !seen.add(ap)) {
        problems.add("ap: AP " + ap + " is listed twice");
      }
      for (String p : problems) {
        out.add("inRange[" + i + "]." + p);
      }
      if (problems.isEmpty()) {
        in.add(new GatewayDemand.ApLink((int) ap, linkRate, apSpeed));
      }
    }
    if (!seen.contains((long) serving)) {
      out.add("inRange: must list the servingAp " + serving);
    }
    return in;
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

  /** An optional fixed cost: absent is 0, else in {@code [0, MAX_FIXED_SECONDS]}. */
  private static double fixedSeconds(JsonNode body, String field, List<String> out) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    double d = v.isNumber() ? v.asDouble() : Double.NaN;
    if (!(d >= 0 && d <= MAX_FIXED_SECONDS)) {
      out.add(field + ": must be a number of seconds in [0, " + MAX_FIXED_SECONDS + "], was " + v);
      return 0;
    }
    return d;
  }

  /** A link's optional measured {@code phi_A}: absent is 0 (not measured), else finite >= 0. */
  private static double measuredSpeed(JsonNode link, List<String> out) {
    JsonNode v = link.get("apFlopsPerCycle");
    if (v == null || v.isNull()) {
      return 0;
    }
    double d = v.isNumber() ? v.asDouble() : Double.NaN;
    if (!(d >= 0) || Double.isInfinite(d)) {
      out.add("apFlopsPerCycle: must be a finite number >= 0, was " + v);
      return 0;
    }
    return d;
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
