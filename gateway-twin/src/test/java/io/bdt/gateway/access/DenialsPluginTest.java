package io.bdt.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DenialsPluginTest {

  @Test
  void readsListedAndUnlistedDenialsOfAReport() throws IOException {
    String report =
        """
        {"seq":1,"denied":[
          {"access":"write","username":"dev-1","clientid":"c1",
           "topic":"$CONTROL/dynamic-security/v1","count":3},
          {"access":"subscribe","username":null,"clientid":"c2","topic":"#","count":1,"cut":true}],
         "unlisted":{"read":0,"write":0,"subscribe":4,"unsubscribe":0}}
        """;

    var denials = DenialsPlugin.parse(report.getBytes(StandardCharsets.UTF_8));

    assertThat(denials)
        .containsExactly(
            new DenialsPlugin.Denial(
                TopicPolicy.Access.PUBLISH,
                Optional.of("dev-1"),
                "c1",
                "$CONTROL/dynamic-security/v1",
                3),
            new DenialsPlugin.Denial(TopicPolicy.Access.SUBSCRIBE, Optional.empty(), "c2", "#", 1),
            new DenialsPlugin.Denial(TopicPolicy.Access.SUBSCRIBE, Optional.empty(), "", "", 4));
    assertThat(denials.getFirst().reason()).isEqualTo(Refusal.Reason.BAD_ACCESS_COMMAND);
  }

  @Test
  void refusesAReportNamingAnAccessItDoesNotKnow() {
    assertThatThrownBy(
            () ->
                DenialsPlugin.parse(
                    "{\"denied\":[{\"access\":\"delete\",\"count\":1}]}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void refusesAReportListingADenialCountedNoTimes() {
    assertThatThrownBy(
            () ->
                DenialsPlugin.parse(
                    "{\"denied\":[{\"access\":\"write\",\"clientid\":\"c1\",\"topic\":\"t\"}]}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
  }
}
