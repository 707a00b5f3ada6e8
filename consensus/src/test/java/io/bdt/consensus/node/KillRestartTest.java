package io.bdt.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.consensus.Fixtures;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.evm.StateStore;
import io.bdt.consensus.store.ChainStore;
import io.horizen.evm.Address;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a node while it mines and imports, then restart: nothing committed is lost. */
class KillRestartTest {
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  int port;

  JsonNode rpc(String method, String params) throws Exception {
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return json.readTree(r.body());
  }

  static void await(String what, Duration timeout, java.util.concurrent.Callable<Boolean> done)
      throws Exception {
    Instant end = Instant.now().plus(timeout);
    while (!done.call()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  long blockNumber() throws Exception {
    return Long.decode(rpc("eth_blockNumber", "[]").get("result").asText());
  }

  @Test
  void killDuringMiningLosesNoCommittedBlockAndKeepsStateConsistent(@TempDir Path dir)
      throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process node =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashTarget.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("node.log").toFile())
            .start();
    long committed;
    String committedHash;
    int sent = 0;
    try {
      await("the node to start", Duration.ofSeconds(120), () -> Files.exists(dir.resolve("port")));
      port = Integer.parseInt(Files.readString(dir.resolve("port")));
      // keep the miner busy: a stream of transfers, some mined, some waiting when the kill comes
      for (; sent < 150; sent++) {
        Bytes tx =
            Fixtures.eip1559(
                Fixtures.DEV.account(),
                sent,
                Fixtures.BOB.getAddress(),
                BigInteger.ONE,
                Bytes.EMPTY,
                21_000);
        JsonNode r = rpc("eth_sendRawTransaction", "[\"" + tx.toHexString() + "\"]");
        assertThat(r.has("result")).as(r.toString()).isTrue();
      }
      await("some blocks", Duration.ofSeconds(120), () -> blockNumber() >= 3);
      committed = blockNumber();
      committedHash =
          rpc("eth_getBlockByNumber", "[\"0x" + Long.toHexString(committed) + "\",false]")
              .get("result")
              .get("hash")
              .asText();
    } finally {
      node.destroyForcibly(); // SIGKILL
      node.waitFor();
    }

    try (ChainStore store = new ChainStore(dir.resolve("blocks"));
        StateStore states = new StateStore(dir.resolve("state"))) {
      Blockchain chain =
          new Blockchain(
              DevNetwork.spec(Fixtures.DEV),
              store,
              states,
              DevNetwork.spec(Fixtures.DEV).reputation(),
              Clock.systemUTC());

      assertThat(chain.head().number()).isGreaterThanOrEqualTo(committed);
      assertThat(store.canonicalHash(committed)).contains(Bytes32.fromHexString(committedHash));
      long included = 0;
      for (long n = 1; n <= chain.head().number(); n++) {
        Block b = chain.blockByNumber(n).orElseThrow();
        assertThat(store.receipts(b.hash())).hasSize(b.transactions().size());
        included += b.transactions().size();
      }
      long includedTxs = included;
      // the head's state root opens and agrees with the stored blocks: one nonce per mined tx
      long nonce =
          states.withState(
              chain.head().stateRoot(),
              s -> s.getNonce(new Address(Fixtures.DEV.account().getAddress())).longValueExact());
      assertThat(nonce).isEqualTo(includedTxs);
      assertThat(includedTxs).isLessThanOrEqualTo(sent);
    }
  }
}
