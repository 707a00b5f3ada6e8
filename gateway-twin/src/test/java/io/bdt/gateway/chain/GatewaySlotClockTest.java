package io.bdt.gateway.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.contracts.reputation.SlotClock;
import io.bdt.gateway.inference.LedgerSlots;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway numbers slots with the ReputationLedger's clock, read from the chain: the same number
 * the ledger computes, and the same after a restart (no counter starting at 0).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GatewaySlotClockTest {

  @Test
  void gatewaySlotsAreTheLedgersAndSurviveARestart(@TempDir Path dir) throws Exception {
    try (TestChain chain = TestChain.startAndDeploy(dir)) {
      Instant at = Instant.parse("2026-12-02T12:00:00.400Z");
      Clock wall = Clock.fixed(at, ZoneOffset.UTC);
      LedgerSlots gateway =
          new LedgerSlots(Optional.of(chain.rpcUrl()), chain.reputationLedger, 1.0, wall);
      SlotClock clock = gateway.ledgerClock();
      assertThat(clock).isEqualTo(new SlotClock(0, 1, 60, 2));
      assertThat(gateway.current()).isEqualTo(at.getEpochSecond());

      // a restarted gateway: a new instance, nothing carried over, same slot at the same time
      LedgerSlots restarted =
          new LedgerSlots(Optional.of(chain.rpcUrl()), chain.reputationLedger, 1.0, wall);
      assertThat(restarted.current()).isEqualTo(gateway.current());
    }
  }

  @Test
  void withoutAChainSlotsAreWallTimeOverTauNotACounter() {
    Clock wall = Clock.fixed(Instant.ofEpochMilli(1_000_000_500L), ZoneOffset.UTC);
    LedgerSlots gateway = new LedgerSlots(Optional.empty(), "0x" + "0".repeat(40), 0.5, wall);
    assertThat(gateway.ledgerClock()).isNull();
    assertThat(gateway.current()).isEqualTo(2_000_001L);
    assertThat(new LedgerSlots(Optional.empty(), "0x" + "0".repeat(40), 0.5, wall).current())
        .isEqualTo(2_000_001L);
  }
}
