package io.bdt.gateway.inference;

import io.bdt.contracts.reputation.SlotClock;
import io.bdt.gateway.chain.ChainNodes;
import java.time.Clock;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.jboss.logging.Logger;
import org.web3j.protocol.Web3j;

/**
 * The gateway's slot numbers: the ReputationLedger's slot clock (epoch and slot length read from
 * the ledger on chain), so receipts carry the slot every party agrees on and a restarted gateway
 * goes on where it was. Until the ledger answers (or without a chain), slots are counted from the
 * Unix epoch in steps of {@code tau}: still wall-clock time, never a counter that restarts at 0.
 */
public final class LedgerSlots {
  private static final Logger LOG = Logger.getLogger(LedgerSlots.class);
  private static final long RETRY_MILLIS = 5_000;

  private final Optional<String> rpcUrl;
  private final String ledger;
  private final long tauMillis;
  private final Clock clock;
  private volatile SlotClock fromLedger;
  private long lastAttempt = Long.MIN_VALUE / 2;

  /**
   * @param rpcUrl a chain node's JSON-RPC URL (or several, {@link ChainNodes}), if the gateway has
   *     one
   * @param ledger the ReputationLedger address
   * @param tauSeconds the configured slot length, seconds (used only until the ledger answers)
   */
  public LedgerSlots(Optional<String> rpcUrl, String ledger, double tauSeconds) {
    this(rpcUrl, ledger, tauSeconds, Clock.systemUTC());
  }

  public LedgerSlots(Optional<String> rpcUrl, String ledger, double tauSeconds, Clock clock) {
    this.rpcUrl = rpcUrl;
    this.ledger = ledger;
    this.tauMillis = Math.max(1, Math.round(tauSeconds * 1000));
    this.clock = clock;
  }

  /** The current slot. */
  public long current() {
    SlotClock c = ledgerClock();
    return c != null ? c.slotAt(clock) : clock.millis() / tauMillis;
  }

  /** The ledger's clock, or null while it cannot be read (retried every few seconds). */
  public SlotClock ledgerClock() {
    if (fromLedger != null || rpcUrl.isEmpty()) {
      return fromLedger;
    }
    long now = clock.millis();
    if (now - lastAttempt < RETRY_MILLIS) {
      return null;
    }
    lastAttempt = now;
    Web3j web3j =
        Web3j.build(
            ChainNodes.parse("bdt.gateway.chain.rpc-url", rpcUrl.get(), new OkHttpClient()));
    try {
      fromLedger = SlotClock.read(web3j, ledger);
      LOG.infof("slot clock from ReputationLedger %s: %s", ledger, fromLedger);
    } catch (Exception e) {
      LOG.warnf("cannot read the slot clock from ReputationLedger %s: %s", ledger, e.getMessage());
    } finally {
      web3j.shutdown();
    }
    return fromLedger;
  }
}
