package io.bdt.consensus.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.parameters.ChainParameters;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The genesis' {@code system} section: the network's parameter set, agreeing with its chain. */
@Timeout(30)
class ChainSpecTest {
  static final List<ChainSpec.AccessPoint> APS =
      List.of(new ChainSpec.AccessPoint("0x00000000000000000000000000000000000000a1", 0));

  static ChainSpec spec(BigInteger base, double eta, ChainParameters system) {
    return new ChainSpec(
        1337,
        30_000_000,
        BigInteger.ONE,
        0,
        new ChainSpec.DifficultySpec(base, eta),
        Map.of(),
        APS,
        null,
        system);
  }

  @Test
  void theSystemSectionSurvivesAWriteAndARead(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("genesis.json");
    spec(BigInteger.valueOf(20_000), 2.0, ChainParameters.NEW_NETWORK).write(file);

    assertThat(ChainSpec.read(file).parameters()).isEqualTo(ChainParameters.NEW_NETWORK);
    assertThat(ChainParameters.readGenesis(file)).isEqualTo(ChainParameters.NEW_NETWORK);
  }

  @Test
  void aSystemSectionWhoseDifficultyRuleDiffersFromTheChainsIsRefused() {
    assertThatThrownBy(() -> spec(BigInteger.valueOf(4096), 2.0, ChainParameters.NEW_NETWORK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("genesis.system: baseDifficulty 20000.0 and eta 2.0 must be");
  }

  @Test
  void aGenesisWithoutASystemSectionNamesItWhenAskedForTheParameters() {
    ChainSpec bare = spec(BigInteger.valueOf(4096), 2.0, null);

    assertThatThrownBy(bare::parameters)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("genesis.system: this genesis has no system section");
  }
}
