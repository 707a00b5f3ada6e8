package io.bdt.ap;

import io.bdt.ap.chain.ApChain;
import io.bdt.ap.chain.MiningDecisions;
import io.bdt.ap.coordinator.ApQueues;
import io.bdt.ap.receipt.ReceiptBook;
import io.bdt.ap.status.ReputationTrack;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access point's periodic work, on two threads: at the end of each slot, a deferred mining
 * share applied and every AP's virtual queue advanced from its reputation on chain (over a slot
 * with gateway demand, {@link ApQueues}); every {@code bdt.ap.chain.submit-seconds} the pending
 * receipts submitted; every {@code bdt.ap.chain.settle-seconds} the decay of idle APs settled on
 * chain.
 */
final class ApLoops implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApLoops.class);

  private final ApChain chain;
  private final ReceiptBook receipts;
  private final MiningDecisions mining;
  private final ApQueues queues;
  private final int selfIndex;
  private final ReputationTrack track;
  private final SkippedSlots skipped;
  private final int receiptBatch;
  private final Runnable deferredShareApplied;
  private final ScheduledExecutorService loops;

  /**
   * Starts the loops of the AP whose index in {@code queues} is {@code selfIndex} ({@code -1}: not
   * a genesis AP, tracked by {@code track}); a slot whose reputations cannot all be read is counted
   * and logged by {@code skipped}; {@code deferredShareApplied} runs when a slot's end applies a
   * mining share that was waiting for it.
   */
  ApLoops(
      ApConfig.Chain config,
      double slotSeconds,
      ApChain chain,
      ReceiptBook receipts,
      MiningDecisions mining,
      ApQueues queues,
      int selfIndex,
      ReputationTrack track,
      SkippedSlots skipped,
      Runnable deferredShareApplied) {
    this.chain = chain;
    this.receipts = receipts;
    this.mining = mining;
    this.queues = queues;
    this.selfIndex = selfIndex;
    this.track = track;
    this.skipped = skipped;
    this.receiptBatch = config.receiptBatch();
    this.deferredShareApplied = deferredShareApplied;
    loops =
        Executors.newScheduledThreadPool(
            2, Thread.ofPlatform().name("ap-loop-", 0).daemon().factory());
    long slotMillis = (long) (slotSeconds * 1000);
    long start = System.currentTimeMillis();
    loops.scheduleAtFixedRate(
        () -> closeSlot((System.currentTimeMillis() - start) / slotMillis),
        slotMillis,
        slotMillis,
        TimeUnit.MILLISECONDS);
    long submitMillis = (long) (config.submitSeconds() * 1000);
    loops.scheduleWithFixedDelay(
        this::submitReceipts, submitMillis, submitMillis, TimeUnit.MILLISECONDS);
    long settleMillis = (long) (config.settleSeconds() * 1000);
    loops.scheduleWithFixedDelay(
        this::settleIdle, settleMillis, settleMillis, TimeUnit.MILLISECONDS);
  }

  private void closeSlot(long slot) {
    try {
      if (mining.tick() == MiningDecisions.Outcome.APPLIED) {
        deferredShareApplied.run();
      }
    } catch (RuntimeException e) {
      LOG.warn("slot {}: cannot apply the mining share: {}", slot, e.getMessage());
    }
    long now = System.currentTimeMillis();
    boolean demand = queues.hasDemand(now);
    int read = 0;
    int failed = 0;
    String error = null;
    for (int m = 0; m <= queues.addresses().size(); m++) {
      boolean self = m == queues.addresses().size();
      if (self && selfIndex >= 0) {
        break; // a genesis AP's own track is one of the queues
      }
      ReputationTrack t = self ? track : queues.track(m);
      String address = self ? chain.address() : queues.addresses().get(m);
      try {
        t.advance(slot, now, chain.height(), chain.currentReputation(address), demand);
        read++;
      } catch (IOException | RuntimeException e) {
        failed++;
        error = error != null ? error : (self ? "this AP" : "AP " + m) + ": " + e.getMessage();
      }
    }
    if (read > 0) {
      skipped.ledgerAnswered(slot);
      skipped.demand(slot, demand);
    }
    if (failed > 0) {
      skipped.skipped(slot, failed, error);
    }
  }

  private void submitReceipts() {
    try {
      int n = chain.submit(receipts, receiptBatch);
      if (n > 0) {
        LOG.info("recorded {} receipts on chain", n);
      }
    } catch (RuntimeException e) {
      LOG.warn("receipt submission failed: {}", e.getMessage());
    }
  }

  private void settleIdle() {
    try {
      int n = chain.settleIdle();
      if (n > 0) {
        LOG.info("settled the decay of {} idle AP(s) on chain", n);
      }
    } catch (Exception e) {
      LOG.warn("settling idle APs failed: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    loops.shutdownNow();
  }
}
