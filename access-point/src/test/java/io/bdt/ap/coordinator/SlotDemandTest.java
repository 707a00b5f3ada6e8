package io.bdt.ap.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.optimizer.cost.BuiltinModels;
import io.bdt.optimizer.joint.GatewayAssignment;
import io.bdt.optimizer.joint.GatewayDemand;
import io.bdt.optimizer.joint.JointSlot;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A demand's APs in range: read and checked, and the coordinator chooses the serving AP. */
@Timeout(30)
class SlotDemandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String HASH = "ab".repeat(32);

  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  static SlotDemand read(String servingAndRange) throws Exception {
    return SlotDemand.read(
        JSON.readTree(
            "{\"slot\":7,\"samples\":3,\"model\":\"vibration\",\"modelHash\":\""
                + HASH
                + "\",\"uplinkRate\":9e7,\"gatewayFlopsPerSecond\":5e6,"
                + servingAndRange
                + "}"),
        3);
  }

  @Test
  void aDemandWithoutInRangeHasOnlyItsServingApInRange() throws Exception {
    SlotDemand d = read("\"servingAp\":1");

    assertThat(d.inRange()).containsExactly(new GatewayDemand.ApLink(1, 9e7));
  }

  @Test
  void aDemandListsEveryApInRangeWithItsOwnRate() throws Exception {
    SlotDemand d =
        read(
            "\"servingAp\":1,\"inRange\":[{\"ap\":1,\"uplinkRate\":9e7},"
                + "{\"ap\":2,\"uplinkRate\":4e7},{\"ap\":0,\"uplinkRate\":1.2e8}]");

    GatewayDemand g = d.toDemand("0xg1", BuiltinModels.get("vibration"));
    assertThat(g.servingAp()).isEqualTo(1);
    assertThat(g.inRange())
        .containsExactly(
            new GatewayDemand.ApLink(1, 9e7),
            new GatewayDemand.ApLink(2, 4e7),
            new GatewayDemand.ApLink(0, 1.2e8));
  }

  @Test
  void aDemandCarriesTheGatewaysMeasuredApSpeedPerLinkAndRefusesANegativeOne() throws Exception {
    SlotDemand d =
        read(
            "\"servingAp\":1,\"inRange\":[{\"ap\":1,\"uplinkRate\":9e7,\"apFlopsPerCycle\":0.02},"
                + "{\"ap\":2,\"uplinkRate\":4e7}]");

    assertThat(d.inRange())
        .containsExactly(
            new GatewayDemand.ApLink(1, 9e7, 0.02), new GatewayDemand.ApLink(2, 4e7, 0));
    assertThatThrownBy(
            () ->
                read(
                    "\"servingAp\":1,\"inRange\":[{\"ap\":1,\"uplinkRate\":9e7,"
                        + "\"apFlopsPerCycle\":-3}]"))
        .hasMessageContaining("inRange[0].apFlopsPerCycle");
  }

  @Test
  void anInRangeNamingAnUnknownApTwiceOrWithoutTheServingApIsInvalidNamingEachEntry() {
    assertThatThrownBy(
            () ->
                read(
                    "\"servingAp\":1,\"inRange\":[{\"ap\":3,\"uplinkRate\":9e7},"
                        + "{\"ap\":2,\"uplinkRate\":0},{\"ap\":0,\"uplinkRate\":1e8},"
                        + "{\"ap\":0,\"uplinkRate\":1e8}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inRange: must list 1 to 3 APs");
    assertThatThrownBy(
            () ->
                read(
                    "\"servingAp\":1,\"inRange\":[{\"ap\":3,\"uplinkRate\":9e7},"
                        + "{\"ap\":2,\"uplinkRate\":0},{\"ap\":2,\"uplinkRate\":1e8}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inRange[0].ap: must be a whole number in [0, 2], was 3")
        .hasMessageContaining("inRange[1].uplinkRate: must be a finite number > 0")
        .hasMessageContaining("inRange: must list the servingAp 1");
    assertThatThrownBy(
            () ->
                read(
                    "\"servingAp\":0,\"inRange\":[{\"ap\":0,\"uplinkRate\":9e7},"
                        + "{\"ap\":0,\"uplinkRate\":1e8}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inRange[1].ap: AP 0 is listed twice");
  }

  @Test
  void theCoordinatorServesAGatewayFromTheApInRangeWhoseQueueGrewAndSaysWhich() throws Exception {
    SlotCoordinator c =
        new SlotCoordinator(
            new JointSlot(SlotCoordinatorTest.PARAMETERS),
            () -> SlotCoordinatorTest.APS, // AP 2: reputation 0, queue 9
            (slot, shares) -> {},
            Duration.ofSeconds(60),
            timer);
    String inRange =
        ",\"inRange\":[{\"ap\":%d,\"uplinkRate\":9e7},{\"ap\":%d,\"uplinkRate\":9e7},"
            + "{\"ap\":2,\"uplinkRate\":6e7}]";
    GatewayDemand g1 =
        read("\"servingAp\":0" + inRange.formatted(0, 1))
            .toDemand("0xg1", BuiltinModels.get("vibration"));
    GatewayDemand g2 =
        read("\"servingAp\":1" + inRange.formatted(1, 0))
            .toDemand("0xg2", BuiltinModels.get("vibration"));
    // both gateways known before slot 7, so its round waits for both: a demand counts the gateway
    // as recent even when it comes after slot 6 was decided with g1 alone (a LATE refusal)
    CompletableFuture<GatewayAssignment> first = c.submit(6, g1);
    try {
      c.submit(6, g2).get(10, TimeUnit.SECONDS);
    } catch (SlotCoordinator.Refused decidedWithG1Alone) {
      // g2 is known either way
    }
    first.get(10, TimeUnit.SECONDS);
    CompletableFuture<GatewayAssignment> a1 = c.submit(7, g1);
    CompletableFuture<GatewayAssignment> a2 = c.submit(7, g2);

    List<Integer> serving =
        List.of(a1.get(10, TimeUnit.SECONDS).servingAp(), a2.get(10, TimeUnit.SECONDS).servingAp());
    // neither gateway's home AP is 2, yet the AP whose queue grew serves one of them
    assertThat(serving).contains(2);
  }
}
