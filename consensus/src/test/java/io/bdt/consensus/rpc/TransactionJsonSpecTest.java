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
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.Sign;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * Transactions as eth_getTransactionByHash returns them, field by field against the Ethereum
 * execution-apis schema (src/schemas/transaction.yaml: TransactionInfo with Transaction1559Signed
 * or TransactionLegacySigned; base types from base-types.yaml). The patterns are the spec's; the
 * recovery check proves that {@code yParity} is the signature's real parity.
 */
class TransactionJsonSpecTest {
  static final Pattern UINT = Pattern.compile("^0x(0|[1-9a-f][0-9a-f]*)$");
  static final Pattern BYTE = Pattern.compile("^0x[0-9a-f]{1,2}$");
  static final Pattern BYTES = Pattern.compile("^0x[0-9a-f]*$");
  static final Pattern ADDRESS = Pattern.compile("^0x[0-9a-fA-F]{40}$");
  static final Pattern HASH32 = Pattern.compile("^0x[0-9a-f]{64}$");
  static final BigInteger GWEI = BigInteger.TEN.pow(9);
  static final String TO = "0x000000000000000000000000000000000000dEaD";

  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  @TempDir Path dir;
  Node node;

  @BeforeEach
  void start() throws Exception {
    node =
        new Node(
            DevNetwork.loopback(Fixtures.DEV, dir, Duration.ofSeconds(1), false)
                .withAutoMine(false, Duration.ofDays(1)));
  }

  @AfterEach
  void stop() {
    node.close();
  }

  JsonNode rpc(String method, String params) throws Exception {
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.rpcPort()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode answer = json.readTree(r.body());
    assertThat(answer.has("error")).as("error: %s", answer.path("error")).isFalse();
    return answer.get("result");
  }

  static RawTransaction eip1559(long nonce) {
    return RawTransaction.createTransaction(
        DevNetwork.CHAIN_ID,
        BigInteger.valueOf(nonce),
        BigInteger.valueOf(21_000),
        TO,
        BigInteger.TEN,
        "0x",
        GWEI,
        GWEI.multiply(BigInteger.TWO));
  }

  static RawTransaction legacy(long nonce) {
    return RawTransaction.createTransaction(
        BigInteger.valueOf(nonce),
        GWEI.multiply(BigInteger.TWO),
        BigInteger.valueOf(21_000),
        TO,
        BigInteger.TEN,
        "0x");
  }

  String send(RawTransaction tx) throws Exception {
    byte[] signed = TransactionEncoder.signMessage(tx, DevNetwork.CHAIN_ID, Fixtures.DEV.account());
    return rpc("eth_sendRawTransaction", "[\"" + Numeric.toHexString(signed) + "\"]").asText();
  }

  static void matches(JsonNode tx, String field, Pattern pattern) {
    assertThat(tx.has(field)).as("required field %s", field).isTrue();
    assertThat(tx.get(field).asText()).as(field).matches(pattern);
  }

  /**
   * The sender recovered from r, s and the given recovery id over the signing hash of {@code raw}.
   */
  static String recover(RawTransaction raw, byte[] signingPayload, JsonNode tx, int recId) {
    BigInteger pub =
        Sign.recoverFromSignature(
            recId,
            new org.web3j.crypto.ECDSASignature(
                Numeric.toBigInt(tx.get("r").asText()), Numeric.toBigInt(tx.get("s").asText())),
            Hash.sha3(signingPayload));
    return pub == null ? null : "0x" + Keys.getAddress(pub);
  }

  void assertSigned1559(JsonNode tx, RawTransaction raw) {
    assertThat(tx.get("type").asText()).matches("^0x2$");
    for (String f :
        List.of("nonce", "gas", "value", "maxFeePerGas", "maxPriorityFeePerGas", "gasPrice")) {
      matches(tx, f, UINT);
    }
    matches(tx, "chainId", UINT);
    matches(tx, "input", BYTES);
    matches(tx, "to", ADDRESS);
    assertThat(tx.get("accessList").isArray()).isTrue();
    matches(tx, "r", UINT);
    matches(tx, "s", UINT);
    matches(tx, "yParity", BYTE);
    assertThat(tx.get("yParity").asText()).isIn("0x0", "0x1");
    // v is optional for typed transactions; when present it must equal yParity
    assertThat(tx.get("v").asText()).isEqualTo(tx.get("yParity").asText());
    int parity = Numeric.toBigInt(tx.get("yParity").asText()).intValueExact();
    assertThat(recover(raw, TransactionEncoder.encode(raw), tx, parity))
        .isEqualToIgnoringCase(Fixtures.DEV.account().getAddress());
    assertThat(tx.get("chainId").asText()).isEqualTo("0x539");
    assertThat(tx.get("maxFeePerGas").asText()).isEqualTo("0x77359400");
    assertThat(tx.get("maxPriorityFeePerGas").asText()).isEqualTo("0x3b9aca00");
  }

  void assertMinedInfo(JsonNode tx, String hash) throws Exception {
    matches(tx, "blockHash", HASH32);
    matches(tx, "blockNumber", UINT);
    matches(tx, "blockTimestamp", UINT);
    matches(tx, "from", ADDRESS);
    matches(tx, "hash", HASH32);
    matches(tx, "transactionIndex", UINT);
    assertThat(tx.get("hash").asText()).isEqualTo(hash);
    assertThat(tx.get("from").asText()).isEqualToIgnoringCase(Fixtures.DEV.account().getAddress());
    JsonNode block = rpc("eth_getBlockByHash", "[\"" + tx.get("blockHash").asText() + "\",false]");
    assertThat(tx.get("blockTimestamp").asText()).isEqualTo(block.get("timestamp").asText());
    assertThat(tx.get("blockNumber").asText()).isEqualTo(block.get("number").asText());
  }

  @Test
  void pendingEip1559TransactionHasZeroOrOneParity() throws Exception {
    RawTransaction raw = eip1559(0);
    String hash = send(raw);

    JsonNode tx = rpc("eth_getTransactionByHash", "[\"" + hash + "\"]");

    assertSigned1559(tx, raw);
    assertThat(tx.get("blockHash").isNull()).isTrue();
    assertThat(tx.get("blockNumber").isNull()).isTrue();
    assertThat(tx.get("transactionIndex").isNull()).isTrue();
    // not yet in a block: gasPrice is the max fee per gas, as the spec says
    assertThat(tx.get("gasPrice").asText()).isEqualTo(tx.get("maxFeePerGas").asText());
  }

  @Test
  void minedEip1559TransactionMatchesTheSpecFieldByField() throws Exception {
    RawTransaction raw = eip1559(0);
    String hash = send(raw);
    node.mineBlock().orElseThrow();

    JsonNode tx = rpc("eth_getTransactionByHash", "[\"" + hash + "\"]");

    assertSigned1559(tx, raw);
    assertMinedInfo(tx, hash);
    JsonNode inBlock = rpc("eth_getBlockByNumber", "[\"latest\",true]").get("transactions").get(0);
    assertThat(inBlock).isEqualTo(tx);
  }

  @Test
  void minedLegacyTransactionKeepsEip155V() throws Exception {
    RawTransaction raw = legacy(0);
    String hash = send(raw);
    node.mineBlock().orElseThrow();

    JsonNode tx = rpc("eth_getTransactionByHash", "[\"" + hash + "\"]");

    assertThat(tx.get("type").asText()).matches("^0x0$");
    for (String f : List.of("nonce", "gas", "value", "gasPrice", "v", "r", "s", "chainId")) {
      matches(tx, f, UINT);
    }
    matches(tx, "input", BYTES);
    assertThat(tx.has("yParity")).isFalse();
    assertMinedInfo(tx, hash);
    long v = Numeric.toBigInt(tx.get("v").asText()).longValueExact();
    assertThat(v).isIn(DevNetwork.CHAIN_ID * 2 + 35, DevNetwork.CHAIN_ID * 2 + 36);
    byte[] payload = TransactionEncoder.encode(raw, DevNetwork.CHAIN_ID);
    assertThat(recover(raw, payload, tx, (int) (v - DevNetwork.CHAIN_ID * 2 - 35)))
        .isEqualToIgnoringCase(Fixtures.DEV.account().getAddress());
  }

  @Test
  void blockReceiptsAreEachTransactionsReceiptInOrder() throws Exception {
    List<String> hashes = List.of(send(eip1559(0)), send(eip1559(1)), send(legacy(2)));
    node.mineBlock().orElseThrow();
    JsonNode block = rpc("eth_getBlockByNumber", "[\"latest\",false]");

    for (String at :
        List.of(
            "\"latest\"",
            "\"" + block.get("number").asText() + "\"",
            "\"" + block.get("hash").asText() + "\"",
            "{\"blockHash\":\"" + block.get("hash").asText() + "\"}")) {
      JsonNode receipts = rpc("eth_getBlockReceipts", "[" + at + "]");
      assertThat(receipts.size()).as(at).isEqualTo(3);
      for (int i = 0; i < 3; i++) {
        assertThat(receipts.get(i))
            .as("%s: receipt %d", at, i)
            .isEqualTo(rpc("eth_getTransactionReceipt", "[\"" + hashes.get(i) + "\"]"));
      }
    }
    assertThat(rpc("eth_getBlockReceipts", "[\"0x" + "ab".repeat(32) + "\"]").isNull()).isTrue();
    assertThat(rpc("eth_getBlockReceipts", "[\"0x99\"]").isNull()).isTrue();
  }
}
