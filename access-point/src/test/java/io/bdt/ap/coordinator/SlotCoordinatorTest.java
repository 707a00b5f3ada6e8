package io.bdt.ap.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.optimizer.cost.BuiltinModels;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.joint.ApState;
import io.bdt.optimizer.joint.GatewayAssignment;
import io.bdt.optimizer.joint.GatewayDemand;
import io.bdt.optimizer.joint.JointSlot;
import io.bdt.parameters.ChainParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The coordinator's rounds: one joint decision per slot over every demand, refusals counted. */
@Timeout(30)
class SlotCoordinatorTest {
  static final SystemParameters PARAMETERS = SystemParameters.of(ChainParameters.NEW_NETWORK, 10);
  static final List<ApState> APS =
      List.of(new ApState(2e10, 0.1, 4), new ApState(2e10, 0.6, 0), new ApState(2e10, 0.0, 9));

  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final List<double[]> pushed = new ArrayList<>();

  SlotCoordinator coordinator(Duration gather) {
    return new SlotCoordinator(
        new JointSlot(PARAMETERS),
        () -> APS,
        (slot, shares) -> {
          synchronized (pushed) {
            pushed.add(shares.clone());
          }
        },
        gather,
        timer);
  }

  static GatewayDemand demand(String gateway, int samples, int servingAp) {
    return new GatewayDemand(gateway, samples, BuiltinModels.get("vibration"), servingAp, 5e6, 1e8);
  }

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void decidesASlotsDemandsInOneJointDecisionAndHandsEveryApItsMiningShare() throws Exception {
    SlotCoordinator c = coordinator(Duration.ofSeconds(60));
    GatewayDemand g1 = demand("0xg1", 4, 0);
    GatewayDemand g2 = demand("0xg2", 2, 1);
    // slot 10: only g1 is known, so its demand closes the round; g2 comes too late
    GatewayAssignment alone = c.submit(10, g1).get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> c.submit(10, g2)).isInstanceOf(SlotCoordinator.Refused.class);
    // slot 11: both are known, the round waits for both and decides them together
    CompletableFuture<GatewayAssignment> a1 = c.submit(11, g1);
    assertThat(a1).isNotDone(); // g2 of the last slots has not posted yet
    CompletableFuture<GatewayAssignment> a2 = c.submit(11, g2);

    // the simulator's decisions of the same slots: a JointSlot given the same observations
    JointSlot reference = new JointSlot(PARAMETERS);
    assertThat(alone).isEqualTo(reference.decide(List.of(g1), APS).assignments().getFirst());
    JointSlot.JointDecision expected = reference.decide(List.of(g1, g2), APS);
    assertThat(a1.get(10, TimeUnit.SECONDS)).isEqualTo(expected.assignments().get(0));
    assertThat(a2.get(10, TimeUnit.SECONDS)).isEqualTo(expected.assignments().get(1));
    assertThat(a1.get().gateways()).isEqualTo(2);
    synchronized (pushed) {
      assertThat(pushed).hasSize(2);
      assertThat(pushed.getLast()).containsExactly(expected.decision().miningShare());
    }
    assertThat(c.decided()).isEqualTo(2);
    assertThat(c.demandsDecided()).isEqualTo(3);
  }

  @Test
  void aDemandForADecidedSlotIsRefusedAsLateAndCounted() throws Exception {
    SlotCoordinator c = coordinator(Duration.ofSeconds(60));
    c.submit(20, demand("0xg1", 1, 0)).get(10, TimeUnit.SECONDS);

    assertThatThrownBy(() -> c.submit(20, demand("0xg2", 1, 0)))
        .isInstanceOfSatisfying(
            SlotCoordinator.Refused.class,
            r -> assertThat(r.reason()).isEqualTo(SlotCoordinator.Refusal.LATE))
        .hasMessageContaining("slot 20: too late");
    assertThat(c.refused(SlotCoordinator.Refusal.LATE)).isEqualTo(1);
  }

  @Test
  void aSecondDemandOfOneGatewayInASlotIsRefused() throws Exception {
    SlotCoordinator c = coordinator(Duration.ofSeconds(60));
    c.submit(29, demand("0xg1", 1, 0)).get(10, TimeUnit.SECONDS);
    c.submit(30, demand("0xg2", 1, 0)); // waits for g1, known from slot 29

    assertThatThrownBy(() -> c.submit(30, demand("0xg2", 3, 0)))
        .isInstanceOfSatisfying(
            SlotCoordinator.Refused.class,
            r -> assertThat(r.reason()).isEqualTo(SlotCoordinator.Refusal.DUPLICATE));
    assertThat(c.refused(SlotCoordinator.Refusal.DUPLICATE)).isEqualTo(1);
  }

  @Test
  void aDemandNamingNoAccessPointOfTheGenesisIsInvalid() {
    assertThatThrownBy(
            () ->
                SlotDemand.read(
                    new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(
                            "{\"slot\":3,\"samples\":0,\"model\":\"vibration\","
                                + "\"modelHash\":\"ab\",\"uplinkRate\":-1,"
                                + "\"gatewayFlopsPerSecond\":1e9,\"servingAp\":3}"),
                    3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("samples: must be a whole number in [1, 1048576], was 0")
        .hasMessageContaining("servingAp: must be a whole number in [0, 2], was 3")
        .hasMessageContaining("modelHash: must be the model's SHA-256")
        .hasMessageContaining("uplinkRate: must be a finite number > 0");
  }

  @Test
  void everyGatewaysAssignmentIsHandedOnWithTheSharesBeforeTheGatewaysHearIt() throws Exception {
    List<ServingAssignment> handed = new ArrayList<>();
    List<CompletableFuture<GatewayAssignment>> answered = new ArrayList<>();
    SlotCoordinator c =
        new SlotCoordinator(
            new JointSlot(PARAMETERS),
            () -> APS,
            new SlotCoordinator.MiningShares() {
              @Override
              public void apply(long slot, double[] miningShareHz) {
                throw new AssertionError("the assignments are handed on with the shares");
              }

              @Override
              public void apply(
                  long slot, double[] miningShareHz, List<ServingAssignment> assignments) {
                synchronized (handed) {
                  answered.forEach(a -> assertThat(a).isNotDone());
                  handed.addAll(assignments);
                }
              }
            },
            Duration.ofSeconds(60),
            timer);
    CompletableFuture<GatewayAssignment> a;
    synchronized (handed) {
      a = c.submit(40, demand("0xG1", 3, 1));
      answered.add(a);
    }

    GatewayAssignment g1 = a.get(10, TimeUnit.SECONDS);
    synchronized (handed) {
      assertThat(handed)
          .containsExactly(new ServingAssignment("0xg1", g1.servingAp(), g1.inferenceShare(), 3));
    }
  }

  @Test
  void thePushedBodyCarriesTheAssignmentsTheReceivingApReads() throws Exception {
    List<ServingAssignment> served =
        List.of(
            new ServingAssignment("0xg1", 2, 4.25e9, 3), new ServingAssignment("0xg2", 2, 0, 1));

    var body =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(PeerShares.body(7, 1.5e10, served));

    assertThat(body.get("slot").asLong()).isEqualTo(7);
    assertThat(body.get("miningShareHz").asDouble()).isEqualTo(1.5e10);
    assertThat(CoordinatorResource.assignments(body.get("gateways"), 2)).isEqualTo(served);
  }

  static final String VALID_DEMAND =
      "{\"slot\":3,\"samples\":2,\"model\":\"vibration\",\"modelHash\":\""
          + "ab".repeat(32)
          + "\",\"uplinkRate\":1e7,\"gatewayFlopsPerSecond\":1e9,\"servingAp\":1";

  @Test
  void aDemandCarriesTheGatewaysMeasuredFixedCostsIntoTheJointSolve() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    SlotDemand d =
        SlotDemand.read(
            json.readTree(VALID_DEMAND + ",\"headRunSeconds\":2e-4,\"offloadSeconds\":1.3e-3}"), 3);
    GatewayDemand g = d.toDemand("0xg1", BuiltinModels.get("vibration"));
    assertThat(g.fixedCosts()).isEqualTo(new GatewayDemand.FixedCosts(2e-4, 1.3e-3));
    assertThat(JointSlot.observation(List.of(g), APS).offloadSeconds()).containsExactly(1.3e-3);
    // a gateway that does not measure them states none: the system model's D_n
    assertThat(SlotDemand.read(json.readTree(VALID_DEMAND + "}"), 3).fixedCosts())
        .isEqualTo(GatewayDemand.FixedCosts.NONE);
  }

  @Test
  void aFixedCostThatIsNegativeOrLongerThanTenSecondsIsInvalid() {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    assertThatThrownBy(
            () ->
                SlotDemand.read(
                    json.readTree(
                        VALID_DEMAND + ",\"headRunSeconds\":-1,\"offloadSeconds\":\"x\"}"),
                    3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("headRunSeconds: must be a number of seconds in [0, 10.0], was -1")
        .hasMessageContaining("offloadSeconds: must be a number of seconds in [0, 10.0]");
    assertThatThrownBy(
            () -> SlotDemand.read(json.readTree(VALID_DEMAND + ",\"offloadSeconds\":11}"), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offloadSeconds");
  }
}
