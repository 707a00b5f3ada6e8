package io.bdt.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.chain.ChainSpec;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.tuweni.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import picocli.CommandLine;

class GenesisCommandTest {

  @Test
  void generatesGenesisKeysAndMeshedNodeConfigs(@TempDir Path dir) throws Exception {
    int status =
        new CommandLine(new GenesisCommand())
            .execute(
                "--out", dir.resolve("genesis.json").toString(),
                "--generate", "3",
                "--reputation", "0.7",
                "--base-difficulty", "5000",
                "--alloc", "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266=1000");

    assertThat(status).isZero();
    ChainSpec spec = ChainSpec.read(dir.resolve("genesis.json"));
    assertThat(spec.accessPoints())
        .hasSize(3)
        .allSatisfy(ap -> assertThat(ap.reputation()).isEqualTo(0.7));
    assertThat(spec.difficulty().base()).isEqualTo(BigInteger.valueOf(5000));
    assertThat(spec.alloc()).containsValue(BigInteger.valueOf(1000));
    for (int i = 0; i < 3; i++) {
      NodeConfig config = NodeFile.read(dir.resolve("ap" + i + ".json")).toConfig(dir);
      Credentials key = Credentials.create(Files.readString(dir.resolve("ap" + i + ".key")).trim());
      assertThat(spec.reputation().isRegistered(Bytes.fromHexString(key.getAddress()))).isTrue();
      assertThat(config.minerKey()).isPresent();
      assertThat(config.peers()).hasSize(2);
      assertThat(config.rpcAddress().getPort()).isEqualTo(8545 + i);
      assertThat(config.dataDir()).isEqualTo(dir.resolve("data/ap" + i));
    }
  }

  @Test
  void rejectsApWithoutReputation(@TempDir Path dir) {
    int status =
        new CommandLine(new GenesisCommand())
            .execute("--out", dir.resolve("g.json").toString(), "--ap", "0x1234");

    assertThat(status).isNotZero();
  }
}
