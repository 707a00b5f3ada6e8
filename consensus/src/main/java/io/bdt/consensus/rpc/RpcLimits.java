package io.bdt.consensus.rpc;

import java.time.Duration;
import java.util.List;

/**
 * What one JSON-RPC caller may ask of the node, with geth's defaults: request body size (bytes),
 * calls per batch, gas of one {@code eth_call}/{@code eth_estimateGas} (gas units), wall-clock time
 * of one EVM execution and of one whole request, and the browser origins allowed by CORS (empty:
 * CORS off, so no browser page on another origin may call the node).
 *
 * @param maxBodyBytes largest request body (bytes); geth's {@code 5 MiB}
 * @param maxBatchCalls most calls in one batch; geth's {@code --rpc.batch-request-limit} 1,000
 * @param gasCap most gas one call or estimate may use; geth's {@code --rpc.gascap} 50M
 * @param evmTimeout longest one EVM execution may take; geth's {@code --rpc.evmtimeout} 5 s
 * @param requestTimeout longest one request (or batch) may take before it is answered with a
 *     timeout error; geth's HTTP write timeout 30 s
 * @param corsOrigins origins allowed to call from a browser ({@code *}: any); empty: none
 */
public record RpcLimits(
    int maxBodyBytes,
    int maxBatchCalls,
    long gasCap,
    Duration evmTimeout,
    Duration requestTimeout,
    List<String> corsOrigins) {

  /** geth's body cap: 5 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

  /** geth's batch cap. */
  public static final int DEFAULT_MAX_BATCH_CALLS = 1_000;

  /** geth's gas cap for eth_call and eth_estimateGas. */
  public static final long DEFAULT_GAS_CAP = 50_000_000L;

  public RpcLimits {
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
    }
    if (maxBatchCalls <= 0) {
      throw new IllegalArgumentException("maxBatchCalls must be positive, got " + maxBatchCalls);
    }
    if (gasCap <= 0) {
      throw new IllegalArgumentException("gasCap must be positive, got " + gasCap);
    }
    if (evmTimeout == null || evmTimeout.isNegative() || evmTimeout.isZero()) {
      throw new IllegalArgumentException("evmTimeout must be positive, got " + evmTimeout);
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
    }
    corsOrigins = List.copyOf(corsOrigins);
  }

  /** geth's defaults, CORS off. */
  public static RpcLimits defaults() {
    return new RpcLimits(
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_MAX_BATCH_CALLS,
        DEFAULT_GAS_CAP,
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        List.of());
  }

  /** These limits with CORS allowing {@code origins} ({@code *}: any origin). */
  public RpcLimits withCors(List<String> origins) {
    return new RpcLimits(maxBodyBytes, maxBatchCalls, gasCap, evmTimeout, requestTimeout, origins);
  }

  /** These limits with another gas cap and EVM time limit. */
  public RpcLimits withEvm(long gas, Duration timeout) {
    return new RpcLimits(maxBodyBytes, maxBatchCalls, gas, timeout, requestTimeout, corsOrigins);
  }

  /** These limits with another request timeout. */
  public RpcLimits withRequestTimeout(Duration timeout) {
    return new RpcLimits(maxBodyBytes, maxBatchCalls, gasCap, evmTimeout, timeout, corsOrigins);
  }

  /** These limits with another body and batch cap. */
  public RpcLimits withSizes(int bodyBytes, int batchCalls) {
    return new RpcLimits(bodyBytes, batchCalls, gasCap, evmTimeout, requestTimeout, corsOrigins);
  }

  /** Whether a browser page from {@code origin} may call the node. */
  public boolean allowsOrigin(String origin) {
    return corsOrigins.contains("*") || corsOrigins.contains(origin);
  }
}
