package io.bdt.gateway.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.contracts.generated.TwinAnchor;
import io.bdt.gateway.anchor.FileAnchorSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;

class ChainAnchorSinkTest {

  @Test
  void unreachableChainStillJournalsTheAnchorAndCountsAndRetriesTheChainWrite(@TempDir Path dir)
      throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + closedPort));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    TwinAnchor contract =
        TwinAnchor.load(
            "0x00000000000000000000000000000000000000aa",
            web3j,
            new RawTransactionManager(web3j, Credentials.create("0x01"), 1337),
            new StaticGasProvider(BigInteger.ONE, BigInteger.valueOf(1_000_000)));
    ChainWriter writer =
        new ChainWriter(
            web3j,
            Credentials.create("0x01").getAddress(),
            Optional.of(contract),
            Optional.empty());
    Path outboxFile = dir.resolve("chain-outbox.jsonl");
    try (ChainOutbox outbox = new ChainOutbox(outboxFile, writer, meters, 0.05)) {
      outbox.start((w, conflicts) -> List.of()); // nothing local to reconcile
      Path journal = dir.resolve("anchors.jsonl");
      byte[] root = new byte[32];
      Arrays.fill(root, (byte) 7);

      new ChainAnchorSink(
              new FileAnchorSink(journal, Clock.systemUTC()), contract.getContractAddress(), outbox)
          .anchor(root, 3);
      assertThat(Files.readAllLines(outboxFile))
          .as("the chain write is on disk before anchor() returns")
          .singleElement()
          .asString()
          .contains("\"op\":\"anchor\"")
          .contains("\"root\":\"0x0707");

      assertThat(Files.readAllLines(journal))
          .singleElement()
          .asString()
          .contains("\"root\":\"0x0707")
          .contains("\"leafCount\":3");
      long end = System.nanoTime() + 10_000_000_000L;
      while (errors(meters) < 2 && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      assertThat(errors(meters))
          .as("unreachable attempts counted, retried")
          .isGreaterThanOrEqualTo(2);
      assertThat(outbox.pending()).as("the write is kept for the next retry").isEqualTo(1);
    } finally {
      web3j.shutdown();
    }
  }

  private static double errors(SimpleMeterRegistry meters) {
    var counter =
        meters.find("bdt.chain.errors").tag("op", "anchor").tag("kind", "unreachable").counter();
    return counter == null ? 0 : counter.count();
  }
}
