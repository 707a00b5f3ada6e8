package io.bdt.consensus.chain;

import static io.bdt.consensus.Fixtures.ALICE;
import static io.bdt.consensus.Fixtures.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.bdt.consensus.Fixtures;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.rpc.EthApi;
import io.bdt.consensus.rpc.EvmCalls;
import io.bdt.consensus.rpc.JsonRpcServer;
import io.bdt.consensus.rpc.PeerView;
import io.bdt.consensus.rpc.RpcLimits;
import io.bdt.consensus.rpc.RpcRefusals;
import io.bdt.consensus.tx.SignedTransaction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that has seen a block through JSON-RPC (a transaction's receipt, the block by number)
 * reads that block's state or a later one at {@code latest}: the import is paused between writing
 * the block to the store and moving the head, and a reader runs in that gap.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadYourWritesTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @TempDir Path dir;

  /** What a client read: first {@code seen}, then the head number and Alice's nonce at latest. */
  record Reads(JsonNode seen, long latestNumber, long aliceNonceAtLatest) {}

  @ParameterizedTest
  @ValueSource(strings = {"eth_getTransactionReceipt", "eth_getTransactionByHash"})
  void transactionIsInABlockOnlyOnceLatestReadsThatBlock(String lookup) throws Exception {
    SignedTransaction tx = pay();
    Reads r = readDuringImport(tx, m -> call(m, lookup, hex(tx.hash())));

    assertThat(r.seen().path("blockNumber").asText()).isEqualTo("0x1");
    assertLatestIsBlockOne(r);
  }

  @Test
  void blockByNumberIsFoundOnlyOnceLatestReadsIt() throws Exception {
    Reads r =
        readDuringImport(
            pay(),
            m -> call(m, "eth_getBlockByNumber", JSON.textNode("0x1"), JSON.booleanNode(false)));

    assertThat(r.seen().path("number").asText()).isEqualTo("0x1");
    assertLatestIsBlockOne(r);
  }

  /** After seeing block 1, the client read the head at block 1 and Alice's payment in its state. */
  private static void assertLatestIsBlockOne(Reads r) {
    assertThat(r.latestNumber()).isEqualTo(1);
    assertThat(r.aliceNonceAtLatest()).isEqualTo(1);
  }

  private static SignedTransaction pay() {
    return SignedTransaction.decode(
        Fixtures.eip1559(ALICE, 0, BOB.getAddress(), Fixtures.ETHER, Bytes.EMPTY, 21_000));
  }

  /**
   * Imports a block holding {@code tx}, pausing it after the block is written and before the head
   * moves; in that pause a client thread runs {@code see} until it finds the block, then reads the
   * head number and Alice's nonce at {@code latest}. The import resumes once the client has its
   * answers, waits for the import, or has been told the block is not there yet.
   */
  private Reads readDuringImport(
      SignedTransaction tx, Function<Map<String, JsonRpcServer.Method>, JsonNode> see)
      throws Exception {
    try (TestChain t = new TestChain(dir);
        EvmCalls evm = new EvmCalls(RpcLimits.defaults(), new RpcRefusals())) {
      Map<String, JsonRpcServer.Method> rpc =
          new EthApi(t.chain, t.pool, Optional.empty(), PeerView.none(), evm).methods();
      Block block =
          t.producer(BOB)
              .mineOn(t.chain.head(), List.of(tx), new ArrayList<>(), () -> false)
              .orElseThrow()
              .block();
      // load and warm every class the client uses, so it waits only where the node makes it wait
      assertThat(see.apply(rpc).isNull()).isTrue();
      assertThat(nonce(rpc)).isZero();

      CompletableFuture<Void> written = new CompletableFuture<>();
      CompletableFuture<Void> resume = new CompletableFuture<>();
      t.chain.onHeadWritten(
          b -> {
            written.complete(null);
            resume.join();
          });
      CompletableFuture<Blockchain.ImportResult> importing =
          CompletableFuture.supplyAsync(() -> t.chain.importBlock(block));
      written.get(30, TimeUnit.SECONDS);

      CompletableFuture<Reads> reads = new CompletableFuture<>();
      AtomicBoolean missed = new AtomicBoolean();
      Thread client =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      JsonNode seen = see.apply(rpc);
                      while (seen.isNull()) {
                        missed.set(true);
                        seen = see.apply(rpc);
                      }
                      long number = Long.decode(call(rpc, "eth_blockNumber").asText());
                      reads.complete(new Reads(seen, number, nonce(rpc)));
                    } catch (Throwable e) {
                      reads.completeExceptionally(e);
                    }
                  });
      // the client has its answers within the pause, or is parked waiting for the import, or was
      // told the block is not there yet
      while (!reads.isDone() && client.getState() != Thread.State.WAITING && !missed.get()) {
        Thread.onSpinWait();
      }
      resume.complete(null);

      assertThat(importing.get(30, TimeUnit.SECONDS)).isEqualTo(Blockchain.ImportResult.NEW_HEAD);
      return reads.get(30, TimeUnit.SECONDS);
    }
  }

  private static long nonce(Map<String, JsonRpcServer.Method> rpc) {
    return Long.decode(
        call(
                rpc,
                "eth_getTransactionCount",
                JSON.textNode(ALICE.getAddress()),
                JSON.textNode("latest"))
            .asText());
  }

  private static JsonNode hex(Bytes32 hash) {
    return JSON.textNode(hash.toHexString());
  }

  private static JsonNode call(
      Map<String, JsonRpcServer.Method> rpc, String method, JsonNode... params) {
    ArrayNode p = JSON.arrayNode();
    for (JsonNode param : params) {
      p.add(param);
    }
    return rpc.get(method).call(p);
  }
}
