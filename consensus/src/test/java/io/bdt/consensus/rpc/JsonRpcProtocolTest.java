package io.bdt.consensus.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.consensus.node.Node;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** JSON-RPC 2.0 transport rules: batches, notifications and error codes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsonRpcProtocolTest {
  Node node;
  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    node = DevNodeRule.start(dir);
  }

  @AfterAll
  void stop() {
    node.close();
  }

  HttpResponse<String> post(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.rpcPort()))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode rpc(String body) throws Exception {
    return json.readTree(post(body).body());
  }

  @Test
  void answersBatchInOrderSkippingNotifications() throws Exception {
    JsonNode r =
        rpc(
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"eth_blockNumber\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"no_such\"}]");

    assertThat(r.isArray()).isTrue();
    assertThat(r).hasSize(2);
    assertThat(r.get(0).get("result").asText()).isEqualTo("0x539");
    assertThat(r.get(1).get("id").asText()).isEqualTo("b");
    assertThat(r.get(1).get("error").get("code").asInt()).isEqualTo(-32601);
  }

  @Test
  void reportsParseError() throws Exception {
    JsonNode r = rpc("{not json");

    assertThat(r.get("error").get("code").asInt()).isEqualTo(-32700);
    assertThat(r.get("id").isNull()).isTrue();
  }

  @Test
  void reportsInvalidRequest() throws Exception {
    assertThat(rpc("{\"id\":1,\"method\":\"eth_chainId\"}").get("error").get("code").asInt())
        .isEqualTo(-32600);
    assertThat(rpc("[]").get("error").get("code").asInt()).isEqualTo(-32600);
  }

  @Test
  void reportsInvalidParams() throws Exception {
    JsonNode r =
        rpc(
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_getBalance\",\"params\":[\"0x12\",\"latest\"]}");

    assertThat(r.get("error").get("code").asInt()).isEqualTo(-32602);
    assertThat(r.get("error").get("message").asText()).contains("address");
  }

  @Test
  void notificationOnlyRequestGetsNoBody() throws Exception {
    HttpResponse<String> r = post("{\"jsonrpc\":\"2.0\",\"method\":\"eth_chainId\"}");

    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void rejectsTransactionWithBadSignatureEncoding() throws Exception {
    JsonNode r =
        rpc(
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"eth_sendRawTransaction\",\"params\":[\"0x02c0\"]}");

    assertThat(r.get("error").get("code").asInt()).isEqualTo(-32000);
  }

  @Test
  void reportsMinersWithReputationAndDifficulty() throws Exception {
    JsonNode r = rpc("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"bdt_miners\"}");

    JsonNode ap = r.get("result").get(0);
    assertThat(ap.get("reputation").asDouble()).isEqualTo(1.0);
    assertThat(ap.get("difficulty").asText()).isEqualTo("0x22a"); // 554 = floor(4096 e^-2)
  }
}
