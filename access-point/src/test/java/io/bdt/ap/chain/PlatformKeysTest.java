package io.bdt.ap.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.chain.ChainSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlatformKeysTest {
  @TempDir Path dir;

  @Test
  void firstOpenGeneratesEveryKeyIntoAnOwnerOnlyFile() throws Exception {
    PlatformKeys keys = PlatformKeys.openOrCreate(dir.resolve("keys"), 2, 2);

    try (Stream<Path> files = Files.list(dir.resolve("keys"))) {
      List<Path> all = files.toList();
      assertThat(all).hasSize(3 + 1 + 2 + 2);
      for (Path f : all) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
            .as(f.toString())
            .isEqualTo("rw-------");
      }
    }
    assertThat(PlatformKeys.apFile(dir.resolve("keys"), 1)).exists();
    assertThat(PlatformKeys.gatewayFile(dir.resolve("keys"), 0)).hasFileName("gw1.key");
    assertThat(
            Stream.of(keys.admins(), List.of(keys.deployer()), keys.aps(), keys.gateways())
                .flatMap(List::stream)
                .map(Credentials::getAddress)
                .distinct())
        .hasSize(8);
  }

  @Test
  void aSecondOpenReadsTheSameKeysAndAnotherDirectoryGetsOthers() throws Exception {
    PlatformKeys first = PlatformKeys.openOrCreate(dir.resolve("a"), 1, 1);
    PlatformKeys again = PlatformKeys.openOrCreate(dir.resolve("a"), 1, 1);
    PlatformKeys other = PlatformKeys.openOrCreate(dir.resolve("b"), 1, 1);

    assertThat(again.ap(0).getAddress()).isEqualTo(first.ap(0).getAddress());
    assertThat(again.deployer().getAddress()).isEqualTo(first.deployer().getAddress());
    assertThat(other.ap(0).getAddress()).isNotEqualTo(first.ap(0).getAddress());
    assertThat(other.gateway(0).getAddress()).isNotEqualTo(first.gateway(0).getAddress());
  }

  @Test
  void genesisNamesTheGeneratedApsAsMinersAndTheDeployersLedger() throws Exception {
    PlatformKeys keys = PlatformKeys.openOrCreate(dir.resolve("keys"), 3, 1);
    ChainSpec genesis = PlatformChain.genesis(keys);

    assertThat(genesis.accessPoints().stream().map(ChainSpec.AccessPoint::address))
        .containsExactlyElementsOf(keys.aps().stream().map(Credentials::getAddress).toList());
    assertThat(genesis.reputationLedger()).isEqualTo(PlatformChain.ledgerAddress(keys));
    assertThat(genesis.alloc()).containsKey(keys.gateway(0).getAddress());
  }
}
