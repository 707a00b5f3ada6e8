package io.bdt.consensus.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.consensus.Fixtures;
import io.bdt.consensus.node.DevNetwork;
import io.bdt.consensus.node.Node;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each JSON-RPC limit refuses what breaks it with an error naming the limit, counts the refusal,
 * and leaves requests within it alone.
 */
class RpcLimitsTest {
  /** Init code that jumps back to its start until the gas runs out: JUMPDEST PUSH1 0 JUMP. */
  static final String ENDLESS_LOOP = "0x5b600056";

  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();
  @TempDir Path dir;
  Node node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  Node start(RpcLimits limits) throws Exception {
    node =
        new Node(
            DevNetwork.loopback(Fixtures.DEV, dir, Duration.ofSeconds(1), false)
                .withRpcLimits(limits));
    return node;
  }

  HttpResponse<String> post(String body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.rpcPort()))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode rpc(String body) throws Exception {
    return json.readTree(post(body).body());
  }

  static String call(String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\",\"params\":" + params + "}";
  }

  static String batch(int calls) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < calls; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"jsonrpc\":\"2.0\",\"id\":")
          .append(i)
          .append(",\"method\":\"eth_chainId\"}");
    }
    return b.append(']').toString();
  }

  long refused(RpcRefusals.Limit limit) {
    return node.rpcRefusals().refused(limit);
  }

  @Test
  void refusesBodyOverFiveMebibytesWithoutReadingIt() throws Exception {
    start(RpcLimits.defaults());
    String padding = " ".repeat(RpcLimits.DEFAULT_MAX_BODY_BYTES);
    HttpResponse<String> r = post(call("eth_chainId", "[]") + padding);

    assertThat(r.statusCode()).isEqualTo(413);
    JsonNode error = json.readTree(r.body()).get("error");
    assertThat(error.get("code").asInt()).isEqualTo(RpcException.LIMIT_EXCEEDED);
    assertThat(error.get("message").asText()).contains("body size").contains("5242880");
    assertThat(refused(RpcRefusals.Limit.BODY_SIZE)).isEqualTo(1);
  }

  @Test
  void answersBodyJustUnderTheCap() throws Exception {
    start(RpcLimits.defaults());
    String request = call("eth_chainId", "[]");
    String padding = " ".repeat(RpcLimits.DEFAULT_MAX_BODY_BYTES - request.length());

    JsonNode r = rpc(request + padding);

    assertThat(r.get("result").asText()).isEqualTo("0x539");
    assertThat(refused(RpcRefusals.Limit.BODY_SIZE)).isZero();
  }

  @Test
  void refusesBatchOfMoreThanAThousandCalls() throws Exception {
    start(RpcLimits.defaults());

    JsonNode r = rpc(batch(1001));

    assertThat(r.isObject()).isTrue();
    assertThat(r.get("error").get("code").asInt()).isEqualTo(RpcException.LIMIT_EXCEEDED);
    assertThat(r.get("error").get("message").asText()).contains("batch size").contains("1000");
    assertThat(refused(RpcRefusals.Limit.BATCH_SIZE)).isEqualTo(1);
  }

  @Test
  void answersBatchOfExactlyAThousandCalls() throws Exception {
    start(RpcLimits.defaults());

    JsonNode r = rpc(batch(1000));

    assertThat(r.isArray()).isTrue();
    assertThat(r).hasSize(1000);
    assertThat(r.get(999).get("result").asText()).isEqualTo("0x539");
  }

  @Test
  void refusesCallAskingForMoreGasThanTheCap() throws Exception {
    start(RpcLimits.defaults());

    JsonNode r = rpc(call("eth_call", "[{\"data\":\"0x00\",\"gas\":\"0x2faf081\"},\"latest\"]"));

    assertThat(r.get("error").get("code").asInt()).isEqualTo(RpcException.LIMIT_EXCEEDED);
    assertThat(r.get("error").get("message").asText())
        .contains("gas cap")
        .contains("50000000")
        .contains("50000001");
    assertThat(refused(RpcRefusals.Limit.GAS_CAP)).isEqualTo(1);
  }

  @Test
  void refusesEstimateAskingForMoreGasThanTheCap() throws Exception {
    start(RpcLimits.defaults().withEvm(100_000, Duration.ofSeconds(5)));

    JsonNode r = rpc(call("eth_estimateGas", "[{\"data\":\"0x00\",\"gas\":\"0x186a1\"}]"));

    assertThat(r.get("error").get("message").asText()).contains("gas cap").contains("100000");
    assertThat(refused(RpcRefusals.Limit.GAS_CAP)).isEqualTo(1);
  }

  @Test
  void estimatesWithinTheCapWhenNoGasIsGiven() throws Exception {
    start(RpcLimits.defaults().withEvm(100_000, Duration.ofSeconds(5)));

    JsonNode r =
        rpc(
            call(
                "eth_estimateGas",
                "[{\"to\":\"0x000000000000000000000000000000000000dead\",\"value\":\"0x0\"}]"));

    assertThat(r.get("result").asText()).isEqualTo("0x5208");
    assertThat(refused(RpcRefusals.Limit.GAS_CAP)).isZero();
  }

  @Test
  void abortsEvmExecutionOverTheTimeLimit() throws Exception {
    // 1 ms: no EVM run of a 30M-gas loop finishes that fast, whatever the machine
    start(RpcLimits.defaults().withEvm(RpcLimits.DEFAULT_GAS_CAP, Duration.ofMillis(1)));

    JsonNode r = rpc(call("eth_call", "[{\"data\":\"" + ENDLESS_LOOP + "\"},\"latest\"]"));

    assertThat(r.get("id").asInt()).isEqualTo(7);
    assertThat(r.get("error").get("code").asInt()).isEqualTo(RpcException.SERVER_ERROR);
    assertThat(r.get("error").get("message").asText())
        .contains("execution aborted")
        .contains("EVM timeout");
    assertThat(refused(RpcRefusals.Limit.EVM_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void answersLoopThatRunsOutOfGasWithinTheTimeLimit() throws Exception {
    start(RpcLimits.defaults().withEvm(1_000_000, Duration.ofSeconds(30)));

    JsonNode r = rpc(call("eth_call", "[{\"data\":\"" + ENDLESS_LOOP + "\"},\"latest\"]"));

    assertThat(r.get("error").get("message").asText()).contains("out of gas");
    assertThat(refused(RpcRefusals.Limit.EVM_TIMEOUT)).isZero();
  }

  @Test
  void answersRequestOverItsTimeLimitWithTimeoutError() throws Exception {
    start(
        RpcLimits.defaults()
            .withEvm(RpcLimits.DEFAULT_GAS_CAP, Duration.ofSeconds(60))
            .withRequestTimeout(Duration.ofMillis(1)));

    JsonNode r = rpc(call("eth_call", "[{\"data\":\"" + ENDLESS_LOOP + "\"},\"latest\"]"));

    assertThat(r.get("id").asInt()).isEqualTo(7);
    assertThat(r.get("error").get("code").asInt()).isEqualTo(RpcException.TIMEOUT);
    assertThat(r.get("error").get("message").asText()).contains("request timeout");
    assertThat(refused(RpcRefusals.Limit.REQUEST_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void refusesBrowserOriginWhenCorsIsOff() throws Exception {
    start(RpcLimits.defaults());

    HttpResponse<String> r = post(call("eth_chainId", "[]"), "Origin", "http://evil.example");

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(json.readTree(r.body()).get("error").get("message").asText())
        .contains("CORS origin")
        .contains("http://evil.example");
    assertThat(refused(RpcRefusals.Limit.CORS_ORIGIN)).isEqualTo(1);
  }

  @Test
  void answersClientsThatSendNoOriginWhenCorsIsOff() throws Exception {
    start(RpcLimits.defaults());

    HttpResponse<String> r = post(call("eth_chainId", "[]"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void allowsConfiguredOriginOnly() throws Exception {
    start(RpcLimits.defaults().withCors(List.of("http://explorer.example")));

    HttpResponse<String> allowed =
        post(call("eth_chainId", "[]"), "Origin", "http://explorer.example");
    HttpResponse<String> other = post(call("eth_chainId", "[]"), "Origin", "http://evil.example");

    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("http://explorer.example");
    assertThat(other.statusCode()).isEqualTo(403);
  }
}
