package io.bdt.contracts.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.consensus.chain.ChainSpec;
import io.bdt.contracts.LiveChain;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The genesis file's {@code reputationLedger} field survives a write/read and is validated. */
class GenesisLedgerTest {
  @Test
  void genesisFileKeepsTheLedgerAddress(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("genesis.json");
    LiveChain.spec().write(file);
    ChainSpec read = ChainSpec.read(file);
    assertThat(read.reputationLedger()).isEqualToIgnoringCase(LiveChain.GENESIS_LEDGER);
    assertThat(read).isEqualTo(LiveChain.spec());
  }

  @Test
  void ledgerAddressMustHaveTwentyBytes() {
    ChainSpec s = LiveChain.spec();
    assertThatThrownBy(
            () ->
                new ChainSpec(
                    s.chainId(),
                    s.gasLimit(),
                    s.baseFeePerGas(),
                    s.timestamp(),
                    s.difficulty(),
                    s.alloc(),
                    s.accessPoints(),
                    "0x1234"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("genesis.reputationLedger");
  }
}
