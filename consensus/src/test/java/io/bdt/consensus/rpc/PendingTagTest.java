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
import org.apache.tuweni.bytes.Bytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code pending} block tag reads the head state with the pool's next block applied. */
class PendingTagTest {
  Node node;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  final String bob = Fixtures.BOB.getAddress();
  final String account = Fixtures.DEV.account().getAddress();

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    // no automatic mining: sent transactions stay in the pool
    node =
        new Node(
            DevNetwork.loopback(Fixtures.DEV, dir, Duration.ofHours(1), false)
                .withAutoMine(false, Duration.ofHours(1)));
  }

  @AfterEach
  void stop() {
    node.close();
  }

  JsonNode rpc(String method, String params) throws Exception {
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
    return json.readTree(
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.rpcPort()))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  void send(long nonce, BigInteger value) throws Exception {
    Bytes raw = Fixtures.eip1559(Fixtures.DEV.account(), nonce, bob, value, Bytes.EMPTY, 21_000);
    JsonNode r = rpc("eth_sendRawTransaction", "[\"" + raw.toHexString() + "\"]");
    assertThat(r.has("error")).as("%s", r).isFalse();
  }

  BigInteger balance(String who, String tag) throws Exception {
    return new BigInteger(
        rpc("eth_getBalance", "[\"" + who + "\",\"" + tag + "\"]")
            .get("result")
            .asText()
            .substring(2),
        16);
  }

  long nonce(String tag) throws Exception {
    return Long.decode(
        rpc("eth_getTransactionCount", "[\"" + account + "\",\"" + tag + "\"]")
            .get("result")
            .asText());
  }

  @Test
  void pendingBalanceIncludesWaitingTransfers() throws Exception {
    send(0, BigInteger.valueOf(1234));
    send(1, BigInteger.valueOf(1000));

    assertThat(balance(bob, "latest")).isZero();
    assertThat(balance(bob, "pending")).isEqualTo(BigInteger.valueOf(2234));
  }

  @Test
  void pendingNonceCountsWaitingTransactionsUpToTheFirstGap() throws Exception {
    send(0, BigInteger.ONE);
    send(1, BigInteger.ONE);
    send(3, BigInteger.ONE);

    assertThat(nonce("latest")).isZero();
    assertThat(nonce("pending")).isEqualTo(2);
  }

  @Test
  void pendingCallSeesTheWaitingTransfer() throws Exception {
    send(0, BigInteger.valueOf(5));

    // a call sending 5 wei from bob succeeds only if bob already holds them
    String call =
        "[{\"from\":\"" + bob + "\",\"to\":\"" + account + "\",\"value\":\"0x5\"},\"%s\"]";
    assertThat(rpc("eth_call", call.formatted("latest")).has("error")).isTrue();
    assertThat(rpc("eth_call", call.formatted("pending")).get("result").asText()).isEqualTo("0x");
  }
}
