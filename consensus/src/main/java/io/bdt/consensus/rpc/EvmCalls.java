package io.bdt.consensus.rpc;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs the EVM executions of {@code eth_call} and {@code eth_estimateGas} on a small pool of their
 * own and answers each within {@link RpcLimits#evmTimeout}. libevm cannot abort an execution, so
 * one that runs out of time is abandoned: it finishes on its pool thread (bounded by the gas cap)
 * on a state snapshot nobody else uses, while its caller already has the timeout error. The pool's
 * size bounds how many such executions run at once; one still queued when its time runs out never
 * starts.
 */
public final class EvmCalls implements AutoCloseable {
  private final RpcLimits limits;
  private final RpcRefusals refusals;
  private final ExecutorService evm;

  public EvmCalls(RpcLimits limits, RpcRefusals refusals) {
    this.limits = limits;
    this.refusals = refusals;
    this.evm =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            Thread.ofPlatform().name("rpc-evm-", 0).daemon().factory());
  }

  /** The limits the calls are held to. */
  public RpcLimits limits() {
    return limits;
  }

  /**
   * Checks a call's gas against the gas cap.
   *
   * @throws RpcException naming the gas cap when {@code gas} is above it (counted)
   */
  public void checkGas(long gas) {
    if (gas > limits.gasCap()) {
      throw refusals.refuse(
          RpcRefusals.Limit.GAS_CAP,
          RpcException.LIMIT_EXCEEDED,
          "gas "
              + gas
              + " above the "
              + RpcRefusals.Limit.GAS_CAP.label()
              + " of "
              + limits.gasCap());
    }
  }

  /**
   * The result of {@code execution}, run on the EVM pool.
   *
   * @throws RpcException naming the EVM timeout when it takes longer (counted)
   */
  public <T> T run(Supplier<T> execution) {
    Future<T> running;
    try {
      running = evm.submit(execution::get);
    } catch (RejectedExecutionException e) {
      throw new RpcException(RpcException.SERVER_ERROR, "the node is shutting down");
    }
    try {
      return running.get(limits.evmTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      running.cancel(false);
      throw refusals.refuse(
          RpcRefusals.Limit.EVM_TIMEOUT,
          RpcException.SERVER_ERROR,
          "execution aborted (timeout = "
              + limits.evmTimeout().toMillis()
              + " ms): over the "
              + RpcRefusals.Limit.EVM_TIMEOUT.label());
    } catch (InterruptedException e) {
      // the request ran out of time: its caller already has the timeout error
      running.cancel(false);
      Thread.currentThread().interrupt();
      throw new RpcException(RpcException.TIMEOUT, "request timed out");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    evm.shutdownNow();
  }
}
