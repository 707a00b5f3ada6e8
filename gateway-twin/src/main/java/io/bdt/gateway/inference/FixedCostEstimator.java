package io.bdt.gateway.inference;

import io.bdt.optimizer.joint.GatewayDemand;

/**
 * The gateway's running estimates of what its tasks cost beyond the system model's FLOP and bit
 * terms (docs/dpra.md, "Fixed costs in the slot cost"): the fixed cost of a head run {@code
 * delta_G} with its compute rate {@code phi_G f_n^G}, from every head run's time against its FLOPs;
 * and per AP the fixed cost of an offload {@code delta_off} with the uplink rate {@code r_n}, from
 * every offload's transfer time (round trip minus the AP's reported compute) against its frame's
 * bits. Each is a {@link LinearCostFit} whose prior slope is the configured rate, so a gateway that
 * only ever uses one cut reports its configured rate and puts the rest of the measured time into
 * the fixed cost once the configured rate explains less than all of it.
 */
public final class FixedCostEstimator {

  /**
   * The fastest rate reported (bit/s or FLOP/s) when the measured slope is 0: "fast enough not to
   * matter", kept finite for the demand.
   */
  static final double MAX_RATE = 1e15;

  /** Size spread (FLOPs) at which measured head runs weigh as much as the configured rate. */
  static final double PRIOR_FLOPS = 1e3;

  /** Size spread (bits) at which measured offloads weigh as much as the configured rate. */
  static final double PRIOR_BITS = 64;

  private final LinearCostFit head;
  private final LinearCostFit[] offload;
  private final LinearCostFit[] shapedOffload;
  private long tailLoadsLeftOut;

  /**
   * @param aps number of APs
   * @param gatewayFlops configured {@code phi_G f_n^G}, FLOP/s
   * @param uplinkRate configured (initial) uplink rate to every AP, bit/s
   * @param weight weight of the newest task in every fit, in (0, 1]
   */
  public FixedCostEstimator(int aps, double gatewayFlops, double uplinkRate, double weight) {
    if (!(gatewayFlops > 0) || Double.isInfinite(gatewayFlops)) {
      throw new IllegalArgumentException(
          "gateway FLOP/s must be finite and > 0, got " + gatewayFlops);
    }
    if (!(uplinkRate > 0) || Double.isInfinite(uplinkRate)) {
      throw new IllegalArgumentException(
          "uplink rate must be finite and > 0 bit/s, got " + uplinkRate);
    }
    head = new LinearCostFit(weight, 1 / gatewayFlops, PRIOR_FLOPS);
    offload = new LinearCostFit[aps];
    shapedOffload = new LinearCostFit[aps];
    for (int m = 0; m < aps; m++) {
      offload[m] = new LinearCostFit(weight, 1 / uplinkRate, PRIOR_BITS);
      shapedOffload[m] = new LinearCostFit(weight, 0, PRIOR_BITS);
    }
  }

  /** A head run of {@code flops} (0 at cut 0: the frame only) took {@code seconds}. */
  public synchronized void recordHead(double flops, double seconds) {
    head.record(flops, seconds);
  }

  /** {@code bits} reached AP {@code m} in {@code seconds} (round trip minus the AP's compute). */
  public synchronized void recordOffload(int m, double bits, double seconds) {
    offload[m].record(bits, seconds);
  }

  /**
   * As {@link #recordOffload(int, double, double)}, for a task the AP reports it first split and
   * loaded a tail for ({@code tailLoadSeconds > 0}: the first task at a cut of a model the AP had
   * not warmed, e.g. a MobileNetV2 cut). Such a task is left out of the fit: its round trip carries
   * a one-time cost of that cut, hundreds of milliseconds to seconds, which the fit would otherwise
   * spread over the next ~{@code 1/weight} offloads as a per-offload cost and so keep the gateway
   * from offloading at all (docs/dpra.md, "Fixed costs in the slot cost").
   */
  public synchronized void recordOffload(
      int m, double bits, double seconds, double tailLoadSeconds) {
    recordOffload(m, bits, seconds, tailLoadSeconds, 0);
  }

  /**
   * As {@link #recordOffload(int, double, double, double)}, over an uplink shaped to {@code
   * shapedRate} bit/s this slot ({@code > 0}; 0: not shaped). The transfer time is then known,
   * {@code bits / shapedRate}, and {@code delta_off} is the median of what the offload took beyond
   * it (the request, the frame's coding, the AP's queue): with a fit against bits alone, the
   * configured rate (10 Mbit/s) is slower than a shaped link of 100 Mbit/s, the fit goes through
   * the origin and {@code delta_off} is 0, which priced whole MobileNetV2 frames at half their
   * measured time (2026-12-03, benchmarks.md).
   */
  public synchronized void recordOffload(
      int m, double bits, double seconds, double tailLoadSeconds, double shapedRate) {
    if (tailLoadSeconds > 0) {
      tailLoadsLeftOut++;
      return;
    }
    offload[m].record(bits, seconds);
    if (shapedRate > 0 && Double.isFinite(shapedRate)) {
      shapedOffload[m].record(0, Math.max(0, seconds - bits / shapedRate));
    }
  }

  /** Offloads left out of the fit because the AP loaded a tail for them. */
  public synchronized long tailLoadsLeftOut() {
    return tailLoadsLeftOut;
  }

  /** {@code phi_G f_n^G} as measured (the configured rate until head runs of several sizes). */
  public synchronized double gatewayFlopsPerSecond() {
    return rate(head.slope());
  }

  /** {@code r_n} to AP {@code m}, bit/s. */
  public synchronized double uplinkRate(int m) {
    return rate(offload[m].slope());
  }

  /**
   * {@code delta_G} and {@code delta_off} (to AP {@code m}) per sample, seconds; {@code delta_off}
   * from the offloads over a shaped uplink once there are any.
   */
  public synchronized GatewayDemand.FixedCosts fixedCosts(int m) {
    double off = shapedOffload[m].measured() ? shapedOffload[m].fixed() : offload[m].fixed();
    return new GatewayDemand.FixedCosts(Math.min(head.fixed(), 10), Math.min(off, 10));
  }

  private static double rate(double secondsPerUnit) {
    return secondsPerUnit > 1 / MAX_RATE ? 1 / secondsPerUnit : MAX_RATE;
  }
}
