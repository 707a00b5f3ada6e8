package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.ap.chain.NetworkContracts;
import io.bdt.ap.chain.PlatformChain;
import io.bdt.ap.chain.PlatformKeys;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.parameters.ChainParameters;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One parameter set (docs/dpra.md): the platform's chain spec carries it in its {@code system}
 * section, and every consumer reads the same values from it: the chain's difficulty rule, the AP
 * (ChainSpec), the gateway (ChainParameters.readGenesis), the slot coordinator's joint DPRA
 * (SystemParameters.of) and the ReputationLedger's deployment (omega, slot length, F_m).
 */
@Timeout(60)
class ParameterSetTest {
  @TempDir Path dir;

  @Test
  void everyConsumerReadsTheChainSpecsParameterSet() throws IOException {
    Path genesis = dir.resolve("genesis.json");
    ChainSpec written = PlatformChain.genesis(PlatformKeys.generate(3, 2));
    written.write(genesis);
    JsonSystem spec = JsonSystem.of(genesis);

    ChainParameters ap = ChainSpec.read(genesis).parameters();
    ChainParameters gateway = ChainParameters.readGenesis(genesis);
    SystemParameters coordinator = SystemParameters.live(ap);

    assertThat(ap).isEqualTo(spec.parameters()).isEqualTo(gateway);
    // the chain validates difficulties with the same D_0 and eta
    assertThat(ChainSpec.read(genesis).difficulty().base().doubleValue())
        .isEqualTo(spec.parameters().baseDifficulty());
    assertThat(ChainSpec.read(genesis).difficulty().eta()).isEqualTo(spec.parameters().eta());
    // the joint decision plans with them
    assertThat(coordinator.baseDifficulty()).isEqualTo(spec.parameters().baseDifficulty());
    assertThat(coordinator.eta()).isEqualTo(spec.parameters().eta());
    assertThat(coordinator.cyclesPerHash()).isEqualTo(spec.parameters().cyclesPerHash());
    assertThat(coordinator.omega()).isEqualTo(spec.parameters().omega());
    assertThat(coordinator.rMin()).isEqualTo(spec.parameters().rMin());
    assertThat(coordinator.apFlopsPerCycle()).isEqualTo(spec.parameters().apFlopsPerCycle());
    assertThat(coordinator.consensusOverheadSeconds())
        .isEqualTo(spec.parameters().consensusOverheadSeconds());
    // the ledger is deployed with them: omega in 1e18 fixed point, tau, F_m in slot FLOPs
    assertThat(new BigDecimal(NetworkContracts.ledgerOmega(ap)).movePointLeft(18).doubleValue())
        .isEqualTo(spec.parameters().omega());
    assertThat(PlatformChain.slotClock(ChainSpec.read(genesis)).slotSeconds())
        .isEqualTo((long) spec.parameters().slotSeconds());
    assertThat(ap.ledgerCapacityFlops())
        .isEqualTo(
            Math.round(
                spec.parameters().apBudgetHz()
                    * spec.parameters().apFlopsPerCycle()
                    * spec.parameters().slotSeconds()));
  }

  @Test
  void aReceiptOfAWholeBudgetSlotIsTheLedgersWholeCapacity() {
    ChainParameters p = PlatformChain.PARAMETERS;
    // x_m = sum_n f_mn^I / F_m: the whole budget given to one gateway's 4 tasks is x_m = 1
    assertThat(4 * p.receiptFlops(p.apBudgetHz(), 4)).isEqualTo(p.ledgerCapacityFlops());
    assertThat(p.receiptFlops(p.apBudgetHz() / 2, 1)).isEqualTo(p.ledgerCapacityFlops() / 2);
  }

  @Test
  void noServiceReadsTheSimulatorsDefaultScenario() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<Path> live =
        List.of(
            root.resolve("access-point/src/main/java"),
            root.resolve("gateway-twin/src/main/java"),
            root.resolve("deploy/src/main/java/io/bdt/platform"));
    for (Path tree : live) {
      try (Stream<Path> files = Files.walk(tree)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          assertThat(Files.readString(f)).as(f.toString()).doesNotContain("Scenario.defaults()");
        }
      }
    }
  }

  /** The genesis file's {@code system} section as JSON says it, read without the services' code. */
  record JsonSystem(ChainParameters parameters) {
    static JsonSystem of(Path genesis) throws IOException {
      var json = new com.fasterxml.jackson.databind.ObjectMapper();
      return new JsonSystem(
          json.treeToValue(json.readTree(genesis.toFile()).get("system"), ChainParameters.class));
    }
  }
}
