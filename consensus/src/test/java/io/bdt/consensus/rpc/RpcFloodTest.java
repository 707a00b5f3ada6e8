package io.bdt.consensus.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.consensus.Fixtures;
import io.bdt.consensus.node.DevNetwork;
import io.bdt.consensus.node.Node;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * A flood of requests that break every limit (huge bodies, huge batches, gas above the cap, EVM
 * loops past the time limit) does not stop the node: it keeps importing the blocks it mines and
 * takes a real transaction into one, while every refusal is counted.
 */
class RpcFloodTest {
  @TempDir Path dir;
  final ObjectMapper json = new ObjectMapper();

  static String call(String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
  }

  static String bigBatch() {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i <= RpcLimits.DEFAULT_MAX_BATCH_CALLS; i++) {
      b.append(i == 0 ? "" : ",").append(call("eth_blockNumber", "[]"));
    }
    return b.append(']').toString();
  }

  @Test
  void keepsMiningThroughAFloodOfRequestsOverTheLimits() throws Exception {
    RpcLimits limits =
        RpcLimits.defaults().withEvm(RpcLimits.DEFAULT_GAS_CAP, Duration.ofMillis(50));
    try (Node node =
        new Node(
            DevNetwork.loopback(Fixtures.DEV, dir, Duration.ofMillis(500), false)
                .withRpcLimits(limits))) {
      URI url = URI.create("http://127.0.0.1:" + node.rpcPort());
      HttpClient http = HttpClient.newHttpClient();
      List<String> attacks =
          List.of(
              call("eth_call", "[{\"data\":\"" + RpcLimitsTest.ENDLESS_LOOP + "\"},\"latest\"]"),
              bigBatch(),
              call("eth_call", "[{\"data\":\"0x00\",\"gas\":\"0x3b9aca00\"},\"latest\"]"),
              call("eth_estimateGas", "[{\"data\":\"" + RpcLimitsTest.ENDLESS_LOOP + "\"}]"),
              call("eth_chainId", "[]") + " ".repeat(RpcLimits.DEFAULT_MAX_BODY_BYTES));
      AtomicBoolean flooding = new AtomicBoolean(true);
      List<Thread> attackers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        attackers.add(
            Thread.ofPlatform()
                .daemon()
                .start(
                    () -> {
                      for (int i = first; flooding.get(); i++) {
                        try {
                          http.send(
                              HttpRequest.newBuilder(url)
                                  .header("Content-Type", "application/json")
                                  .timeout(Duration.ofSeconds(60))
                                  .POST(
                                      HttpRequest.BodyPublishers.ofString(
                                          attacks.get(i % attacks.size())))
                                  .build(),
                              HttpResponse.BodyHandlers.discarding());
                        } catch (Exception e) {
                          // a refused upload may reset the connection: keep flooding
                        }
                      }
                    }));
      }
      try {
        long start = node.chain().head().number();
        byte[] tx =
            TransactionEncoder.signMessage(
                RawTransaction.createTransaction(
                    DevNetwork.CHAIN_ID,
                    BigInteger.ZERO,
                    BigInteger.valueOf(21_000),
                    "0x000000000000000000000000000000000000dEaD",
                    BigInteger.ONE,
                    "0x",
                    BigInteger.TEN.pow(9),
                    BigInteger.TEN.pow(10)),
                DevNetwork.CHAIN_ID,
                Fixtures.DEV.account());
        JsonNode sent =
            json.readTree(
                http.send(
                        HttpRequest.newBuilder(url)
                            .header("Content-Type", "application/json")
                            .POST(
                                HttpRequest.BodyPublishers.ofString(
                                    call(
                                        "eth_sendRawTransaction",
                                        "[\"" + Numeric.toHexString(tx) + "\"]")))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
        String hash = sent.get("result").asText();

        Instant end = Instant.now().plus(Duration.ofMinutes(3));
        while (node.chain().head().number() < start + 5
            || node.chain()
                .store()
                .transaction(org.apache.tuweni.bytes.Bytes32.fromHexString(hash))
                .isEmpty()) {
          assertThat(Instant.now()).as("blocks and the transaction mined in time").isBefore(end);
          Thread.sleep(100);
        }
      } finally {
        flooding.set(false);
        for (Thread t : attackers) {
          t.join(120_000);
        }
      }
      RpcRefusals refusals = node.rpcRefusals();
      assertThat(refusals.refused(RpcRefusals.Limit.BATCH_SIZE)).isPositive();
      assertThat(refusals.refused(RpcRefusals.Limit.GAS_CAP)).isPositive();
      assertThat(refusals.refused(RpcRefusals.Limit.EVM_TIMEOUT)).isPositive();
      assertThat(refusals.refused(RpcRefusals.Limit.BODY_SIZE)).isPositive();
    }
  }
}
