package io.bdt.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.gateway.access.DynamicSecurityAccess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;

class AccessRefusalsTest {

  @Test
  void countsEveryDenialOfADenialsPluginReportListedOrUnlisted() {
    var meters = new SimpleMeterRegistry();
    var refusals = new AccessRefusals("gw1", meters);
    var access =
        new DynamicSecurityAccess(
            "gw1",
            "tcp://127.0.0.1:1",
            new MqttConnectionOptions(),
            "pw",
            Map.of(),
            refusals::count);
    String report =
        """
        {"seq":9,"denied":[
          {"access":"write","username":"gateway:gw1","clientid":"c1",
           "topic":"bdt/gw2/devices/d/telemetry","count":2}],
         "unlisted":{"read":0,"write":968,"subscribe":5,"unsubscribe":0}}
        """;

    access.countDenials(report.getBytes(StandardCharsets.UTF_8));

    assertThat(refused(meters, "publish-denied")).isEqualTo(970.0);
    assertThat(refused(meters, "subscribe-denied")).isEqualTo(5.0);
    assertThat(refused(meters, "receive-denied")).isZero();
  }

  private static double refused(SimpleMeterRegistry meters, String reason) {
    return meters.get("bdt.access.refused").tag("reason", reason).counter().count();
  }
}
