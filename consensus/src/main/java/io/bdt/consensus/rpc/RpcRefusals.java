package io.bdt.consensus.rpc;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** How many requests or calls each JSON-RPC limit has refused since the node started. */
public final class RpcRefusals {
  /** A limit of {@link RpcLimits}, by the name its errors and metrics carry. */
  public enum Limit {
    /** Request body over {@link RpcLimits#maxBodyBytes}. */
    BODY_SIZE("body size"),
    /** Batch over {@link RpcLimits#maxBatchCalls}. */
    BATCH_SIZE("batch size"),
    /** Call gas over {@link RpcLimits#gasCap}. */
    GAS_CAP("gas cap"),
    /** EVM execution over {@link RpcLimits#evmTimeout}. */
    EVM_TIMEOUT("EVM timeout"),
    /** Request over {@link RpcLimits#requestTimeout}. */
    REQUEST_TIMEOUT("request timeout"),
    /** Browser request from an origin {@link RpcLimits#corsOrigins} does not allow. */
    CORS_ORIGIN("CORS origin");

    private final String label;

    Limit(String label) {
      this.label = label;
    }

    /** The limit's name as errors say it. */
    public String label() {
      return label;
    }

    /** The limit's name in metrics ({@code body_size}, ...). */
    public String metricName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Map<Limit, LongAdder> counts = new EnumMap<>(Limit.class);

  public RpcRefusals() {
    for (Limit l : Limit.values()) {
      counts.put(l, new LongAdder());
    }
  }

  /** Counts one refusal by {@code limit}. */
  public void count(Limit limit) {
    counts.get(limit).increment();
  }

  /**
   * Counts one refusal by {@code limit} and returns the JSON-RPC error for it; {@code message}
   * names the limit and the value that broke it.
   */
  public RpcException refuse(Limit limit, int code, String message) {
    count(limit);
    return new RpcException(code, message);
  }

  /** Refusals by {@code limit} since start. */
  public long refused(Limit limit) {
    return counts.get(limit).sum();
  }

  /** Refusals by every limit since start. */
  public Map<Limit, Long> snapshot() {
    Map<Limit, Long> out = new EnumMap<>(Limit.class);
    counts.forEach((l, n) -> out.put(l, n.sum()));
    return out;
  }
}
