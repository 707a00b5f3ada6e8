package io.bdt.gateway.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * A device's sensor windows are classified through the access point into the twin's health feature;
 * a failed offload runs locally; slots follow the coordinator and fall back to a local decision
 * under its baseline policy when it stops.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedBroker.class, scope = TestResourceScope.MATCHING_RESOURCES)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class GatewayInferenceTest extends GatewayServiceFixture {
  /**
   * Publishes one imbalance window (seeded) from device {@code id} in four messages and returns the
   * twin's {@code health} feature once the gateway has classified it.
   */
  private JsonNode classified(String id, long seed) throws Exception {
    float[] window =
        new io.bdt.dnn.vibration.VibrationGenerator(seed)
            .next(io.bdt.dnn.vibration.MachineState.IMBALANCE)
            .samples();
    for (int part = 0; part < 4; part++) {
      device.publishJson(
          id,
          JSON.createObjectNode(),
          java.util.Arrays.copyOfRange(window, part * 256, (part + 1) * 256),
          1);
    }
    await(
        "health feature of " + id,
        () -> twins.get("bdt:" + id).map(t -> t.features().containsKey("health")).orElse(false));
    return twins.get("bdt:" + id).orElseThrow().features().get("health").properties();
  }

  @Test
  void aSensorWindowIsClassifiedThroughTheApAndTheResultLandsInTheHealthFeature() throws Exception {
    String id = provisioned("motor-7");
    var health = classified(id, 7);
    assertThat(health.get("label").asText()).isEqualTo("imbalance");
    assertThat(health.get("probabilities")).hasSize(4);
    // a 0.1 MFLOP/s gateway and an AP with a reputation deficit: DPRA offloads at cut 0
    assertThat(health.get("cut").asInt()).isEqualTo(0);
    assertThat(EmbeddedBroker.accessPoint.cuts).contains(0);
    // the AP is told DPRA's mining share for it: mining never stops (docs/dpra.md)
    assertThat(EmbeddedBroker.accessPoint.miningShares).allMatch(f -> f > 0 && f < 2.0e10);
    String taskId = health.get("taskId").asText();
    await(
        "the receipt of " + taskId,
        () ->
            EmbeddedBroker.accessPoint.receipts.stream()
                .anyMatch(r -> r.get("taskId").asText().equals(taskId)));
    JsonNode receipt =
        EmbeddedBroker.accessPoint.receipts.stream()
            .filter(r -> r.get("taskId").asText().equals(taskId))
            .findFirst()
            .orElseThrow();
    var signed =
        new io.bdt.contracts.receipt.ServiceReceipt(
            org.web3j.utils.Numeric.hexStringToByteArray(receipt.get("taskId").asText()),
            receipt.get("ap").asText(),
            receipt.get("gateway").asText(),
            new java.math.BigInteger(receipt.get("flopsServed").asText()),
            receipt.get("latencyMicros").asLong(),
            receipt.get("slot").asLong());
    assertThat(receipt.get("ap").asText()).isEqualTo(TestAccessPoint.ADDRESS);
    assertThat(
            signed.signer(
                1337,
                "0x0000000000000000000000000000000000000000",
                org.web3j.utils.Numeric.hexStringToByteArray(receipt.get("signature").asText())))
        .isEqualToIgnoringCase(receipt.get("gateway").asText());
    assertThat(health.get("taskId").asText()).isEqualTo(receipt.get("taskId").asText());
  }

  @Test
  void aTaskWhoseOffloadFailsRunsLocallyAndIsCountedNotDropped() throws Exception {
    String id = provisioned("motor-8");
    int receiptsBefore = EmbeddedBroker.accessPoint.receipts.size();
    EmbeddedBroker.accessPoint.dropOffloads = true;
    JsonNode health;
    try {
      health = classified(id, 8);
    } finally {
      EmbeddedBroker.accessPoint.dropOffloads = false;
    }
    // the whole model ran on the gateway (the vibration CNN's fully local cut) and got it right
    assertThat(health.get("label").asText()).isEqualTo("imbalance");
    int fullyLocal =
        io.bdt.dnn.graph.GraphAnalyzer.analyze(
                    io.bdt.dnn.onnx.OnnxModels.read(
                        EmbeddedBroker.dataDir.resolve("models/vibration-seed1/model.onnx")),
                    java.util.Map.of())
                .cuts()
                .size()
            - 1;
    assertThat(health.get("cut").asInt()).isEqualTo(fullyLocal);
    // no receipt for a task the AP did not serve
    assertThat(EmbeddedBroker.accessPoint.receipts).hasSize(receiptsBefore);
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            org.hamcrest.Matchers.matchesPattern(
                "(?s).*bdt_inference_offload_fallback_total(\\{[^}]*\\})? [1-9].*"));
  }

  @Test
  void slotsFollowTheCoordinatorAndFallBackToALocalDecisionWhenItStops() throws Exception {
    EmbeddedBroker.accessPoint.coordinating = true;
    try {
      String id = provisioned("motor-9");
      int demandsBefore = EmbeddedBroker.accessPoint.demands.size();
      classified(id, 9);
      await(
          "slots decided by the coordinator",
          () -> decisions("coordinator") > 0 && EmbeddedBroker.accessPoint.demands.size() > 0);
      JsonNode demand = EmbeddedBroker.accessPoint.demands.get(demandsBefore);
      assertThat(demand.get("model").asText()).isEqualTo("vibration");
      assertThat(demand.get("modelHash").asText()).matches("[0-9a-f]{64}");
      assertThat(demand.get("samples").asInt()).isPositive();
    } finally {
      // the coordinator stops mid-run: the next slots are decided on the gateway
      EmbeddedBroker.accessPoint.coordinating = false;
    }
    double localBefore = decisions("local-fallback");
    classified(provisioned("motor-10"), 10);
    await("a slot decided locally", () -> decisions("local-fallback") > localBefore);
  }

  @Test
  // last: its whole-model run teaches the gateway's estimator how fast its heads are, which moves
  // the cut DPRA picks in the other tests (the others keep their order)
  @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
  void aLocalFallbackDecidesUnderTheCoordinatorsBaselinePolicyNotDpra() throws Exception {
    // this 0.1 MFLOP/s gateway's DPRA offloads at cut 0 (the test above); LOCAL_ONLY keeps the
    // task on the whole local model
    EmbeddedBroker.accessPoint.coordinating = false;
    EmbeddedBroker.accessPoint.policy = "LOCAL_ONLY";
    try {
      double localBefore = decisions("local-fallback");
      var health = classified(provisioned("motor-11"), 11);
      assertThat(decisions("local-fallback")).isGreaterThan(localBefore);
      assertThat(health.get("cut").asInt()).isEqualTo(11);
    } finally {
      EmbeddedBroker.accessPoint.policy = "DPRA";
    }
  }

  /** {@code bdt_dpra_decisions_total{source}} of the gateway now. */
  private static double decisions(String source) {
    String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
    String name = "bdt_dpra_decisions_total{source=\"" + source + "\"} ";
    return scrape
        .lines()
        .filter(l -> l.startsWith(name))
        .mapToDouble(l -> Double.parseDouble(l.substring(name.length()).trim()))
        .findFirst()
        .orElse(0);
  }
}
