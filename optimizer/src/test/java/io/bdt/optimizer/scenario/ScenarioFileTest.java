package io.bdt.optimizer.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bdt.optimizer.cost.BuiltinModels;
import io.bdt.optimizer.cost.CostTableJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioFileTest {

  private static Scenario override(String json) {
    return ScenarioFile.override(Scenario.defaults(), json, Path.of("."));
  }

  @Test
  void defaultsAreTheSystemModelScenario() {
    Scenario s = Scenario.defaults();
    assertThat(s.gateways()).isEqualTo(10);
    assertThat(s.accessPoints()).isEqualTo(4);
    assertThat(s.slotSeconds()).isEqualTo(1.0);
    assertThat(s.bandwidthHz()).isEqualTo(10e6);
    assertThat(s.transmitPowerWatts()).isEqualTo(0.2);
    assertThat(s.noiseDensityDbmPerHz()).isEqualTo(-174);
    assertThat(s.pathLossInterceptDb()).isEqualTo(128.1);
    assertThat(s.pathLossSlopeDb()).isEqualTo(37.6);
    assertThat(s.minDistanceMeters()).isEqualTo(50);
    assertThat(s.maxDistanceMeters()).isEqualTo(200);
    assertThat(s.gatewayCpuHz() * s.gatewayFlopsPerCycle()).isEqualTo(1.5e9 * 8);
    assertThat(s.apBudgetHz() * s.apFlopsPerCycle()).isEqualTo(20e9 * 16);
    assertThat(List.of(s.omega(), s.rMin(), s.eta())).containsExactly(0.1, 0.57, 2.0);
    assertThat(s.models())
        .containsExactly("alexnet", "vgg16", "resnet18", "mobilenet_v2", "vibration");
  }

  @Test
  void defaultDifficultyGivesAFourSecondBlockForOneApAtFullBudget() {
    // lambda = (F / psi) / D_0 at R = 0: 20e9 / 1000 / 8e7 = 0.25 blocks/s.
    assertThat(Scenario.defaults().fullBudgetBlockSeconds()).isCloseTo(4.0, within(1e-12));
  }

  @Test
  void aFileOverridesOnlyTheFieldsItNames() {
    Scenario s = override("{\"gateways\": 3, \"bandwidthHz\": 5e6}");
    assertThat(s.gateways()).isEqualTo(3);
    assertThat(s.bandwidthHz()).isEqualTo(5e6);
    assertThat(s.accessPoints()).isEqualTo(Scenario.defaults().accessPoints());
    assertThat(s.models()).isEqualTo(Scenario.defaults().models());
  }

  @Test
  void anEmptyObjectIsTheDefaultScenario() {
    assertThat(override("{}")).isEqualTo(Scenario.defaults());
  }

  @Test
  void toJsonRoundTrips() {
    Scenario changed = override("{\"association\": \"nearest\", \"seed\": 7}");
    String json = ScenarioFile.toJson(changed);
    assertThat(override(json)).isEqualTo(changed);
    assertThat(json).contains("\"association\" : \"nearest\"");
  }

  @Test
  void resolveReadsDefaultOrAFile(@TempDir Path dir) throws Exception {
    assertThat(ScenarioFile.resolve("default")).isEqualTo(Scenario.defaults());
    Path file = dir.resolve("small.json");
    Files.writeString(file, "{\"gateways\": 2, \"accessPoints\": 1}");
    assertThat(ScenarioFile.resolve(file.toString()).gateways()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"bandwidthHz\": -1} | scenario.bandwidthHz: must be > 0, was -1.0",
        "{\"gateways\": 0} | scenario.gateways: must be >= 1, was 0",
        "{\"accessPoints\": 0} | scenario.accessPoints: must be >= 1, was 0",
        "{\"rMin\": 1.5} | scenario.rMin: must be in [0, 1], was 1.5",
        "{\"rMin\": -0.1} | scenario.rMin: must be in [0, 1], was -0.1",
        "{\"omega\": 0} | scenario.omega: must be in (0, 1], was 0.0",
        "{\"omega\": 1.01} | scenario.omega: must be in (0, 1], was 1.01",
        "{\"minDistanceMeters\": 300} | scenario.minDistanceMeters: must be <= maxDistanceMeters"
            + " (200.0), was 300.0",
        "{\"minDistanceMeters\": 0} | scenario.minDistanceMeters: must be > 0, was 0.0",
        "{\"slotSeconds\": 0} | scenario.slotSeconds: must be > 0, was 0.0",
        "{\"transmitPowerWatts\": 0} | scenario.transmitPowerWatts: must be > 0, was 0.0",
        "{\"pathLossSlopeDb\": -3} | scenario.pathLossSlopeDb: must be > 0, was -3.0",
        "{\"gatewayCpuHz\": 0} | scenario.gatewayCpuHz: must be > 0, was 0.0",
        "{\"gatewayFlopsPerCycle\": 0} | scenario.gatewayFlopsPerCycle: must be > 0, was 0.0",
        "{\"apBudgetHz\": -2e9} | scenario.apBudgetHz: must be > 0, was -2.0E9",
        "{\"apFlopsPerCycle\": 0} | scenario.apFlopsPerCycle: must be > 0, was 0.0",
        "{\"eta\": -1} | scenario.eta: must be >= 0, was -1.0",
        "{\"cyclesPerHash\": 0} | scenario.cyclesPerHash: must be > 0, was 0.0",
        "{\"baseDifficulty\": 0} | scenario.baseDifficulty: must be > 0, was 0.0",
        "{\"propagationSeconds\": -1} | scenario.propagationSeconds: must be >= 0, was -1.0",
        "{\"validationSeconds\": -1} | scenario.validationSeconds: must be >= 0, was -1.0",
        "{\"initialReputation\": 2} | scenario.initialReputation: must be in [0, 1], was 2.0",
        "{\"v\": 0} | scenario.v: must be > 0, was 0.0",
        "{\"taskArrivalProbability\": 1.2} | scenario.taskArrivalProbability: must be in [0, 1],"
            + " was 1.2",
        "{\"maxTaskSamples\": 0} | scenario.maxTaskSamples: must be >= 1, was 0",
        "{\"models\": []} | scenario.models: must name at least one model",
        "{\"models\": [\"alexnet\", \"resnet50\"]} | scenario.models[1]: must be a built-in model"
            + " (alexnet, vgg16, resnet18, mobilenet_v2, vibration) or a cost-table .json file,"
            + " was \"resnet50\"",
        "{\"association\": \"closest\"} | scenario.association: must be one of roundRobin, nearest,"
            + " decided, was \"closest\"",
        "{\"gateways\": 2.5} | scenario.gateways: must be an integer, was 2.5",
        "{\"gateways\": \"10\"} | scenario.gateways: must be an integer, was \"10\"",
        "{\"bandwidthHz\": \"wide\"} | scenario.bandwidthHz: must be a number, was \"wide\"",
        "{\"bandwidthHz\": null} | scenario.bandwidthHz: must not be null",
        "{\"models\": \"vgg16\"} | scenario.models: must be an array of strings, was \"vgg16\"",
        "{\"models\": [\"vgg16\", 3]} | scenario.models[1]: must be a string, was 3",
        "{\"bandwith\": 1e6} | scenario.bandwith: unknown field (known: seed, gateways,",
      })
  void rejectsEachBrokenRuleNamingTheFieldAndTheRule(String json, String message) {
    assertThatThrownBy(() -> override(json))
        .isInstanceOf(InvalidScenarioException.class)
        .hasMessageContaining(message);
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> override("{\"gateways\": 0, \"rMin\": 2}"))
        .isInstanceOfSatisfying(
            InvalidScenarioException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "scenario.gateways: must be >= 1, was 0",
                        "scenario.rMin: must be in [0, 1], was 2.0"));
  }

  @Test
  void rejectsMalformedJsonWithItsPosition() {
    assertThatThrownBy(() -> override("{\"gateways\": }"))
        .hasMessageStartingWith("scenario: not valid JSON at line 1, column 14");
    assertThatThrownBy(() -> override("[1, 2]"))
        .hasMessage("scenario: must be a JSON object, was ARRAY");
  }

  @Test
  void rejectsAMissingFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> ScenarioFile.load(missing))
        .isInstanceOf(InvalidScenarioException.class)
        .hasMessage("scenario: no such file " + missing);
  }

  @Test
  void acceptsTheDnnZooSpellingOfMobileNetV2() {
    Scenario s =
        ScenarioFile.override(Scenario.defaults(), "{\"models\": [\"mobilenetv2\"]}", null);
    assertThat(Deployment.of(s).models().get(0)).isSameAs(BuiltinModels.get("mobilenet_v2"));
  }

  @Test
  void resolvesModelFilesAgainstTheScenarioDirectory(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("tables"));
    CostTableJson.write(BuiltinModels.get("resnet18"), dir.resolve("tables/mine.json"));
    Path file = dir.resolve("scenario.json");
    Files.writeString(file, "{\"models\": [\"tables/mine.json\", \"vgg16\"]}");
    Scenario s = ScenarioFile.load(file);
    assertThat(s.models())
        .containsExactly(dir.resolve("tables/mine.json").toAbsolutePath().toString(), "vgg16");
    assertThat(Deployment.of(s).models().get(0)).isEqualTo(BuiltinModels.get("resnet18"));
  }

  @Test
  void rejectsAModelFileThatIsMissingOrInvalid(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("bad.json"), "{\"schemaVersion\": 1}");
    Path file = dir.resolve("scenario.json");
    Files.writeString(file, "{\"models\": [\"vgg16\", \"bad.json\", \"gone.json\"]}");
    assertThatThrownBy(() -> ScenarioFile.load(file))
        .isInstanceOfSatisfying(
            InvalidScenarioException.class,
            e -> {
              assertThat(e.problems()).hasSize(2);
              assertThat(e.problems().get(0))
                  .startsWith("scenario.models[1]: invalid cost table")
                  .contains("model: required");
              assertThat(e.problems().get(1))
                  .startsWith("scenario.models[2]: cannot read cost table")
                  .contains("gone.json");
            });
  }

  @Test
  void reportsFieldRulesAndModelFilesTogether(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("scenario.json");
    Files.writeString(file, "{\"rMin\": 2, \"models\": [\"vgg16\", \"gone.json\"]}");
    assertThatThrownBy(() -> ScenarioFile.load(file))
        .isInstanceOfSatisfying(
            InvalidScenarioException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "scenario.rMin: must be in [0, 1], was 2.0",
                        "scenario.models[1]: cannot read cost table "
                            + dir.resolve("gone.json")
                            + ": no such file"));
  }

  @Test
  void withersChangeOneFieldAndStillValidate() {
    Scenario s = Scenario.defaults();
    assertThat(s.withV(50).v()).isEqualTo(50);
    assertThat(s.withV(50).withSeed(3)).isEqualTo(override("{\"v\": 50, \"seed\": 3}"));
    assertThat(s.withGateways(20).gateways()).isEqualTo(20);
    assertThat(s.withBandwidthHz(1e6).bandwidthHz()).isEqualTo(1e6);
    assertThat(s.withApBudgetHz(5e9).apBudgetHz()).isEqualTo(5e9);
    assertThatThrownBy(() -> s.withBandwidthHz(-1.0))
        .hasMessage("scenario.bandwidthHz: must be > 0, was -1.0");
  }
}
