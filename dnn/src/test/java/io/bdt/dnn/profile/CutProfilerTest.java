package io.bdt.dnn.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.dnn.codec.Encoding;
import io.bdt.dnn.codec.FrameHeader;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.vibration.VibrationZooModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CutProfilerTest {

  private static GraphAnalysis analysis;
  private static CutProfiler.Profile profile;
  private static final List<String> steps = new ArrayList<>();

  @BeforeAll
  static void profileVibrationModel() throws Exception {
    analysis = GraphAnalyzer.analyze(new VibrationZooModel().build(), Map.of());
    profile =
        CutProfiler.profile(analysis, new CutProfiler.Settings(List.of(1, 2), 1, 3, 7), steps::add);
  }

  @Test
  void measuresEveryCutAtEveryThreadCount() {
    assertThat(profile.cuts()).hasSize(analysis.cuts().size());
    assertThat(profile.cuts())
        .allSatisfy(
            c ->
                assertThat(c.timings())
                    .extracting(CutProfiler.Timing::threads)
                    .containsExactly(1, 2));
    assertThat(steps).hasSize(2 * analysis.cuts().size());
  }

  @Test
  void emptySidesCostNothingAndNonEmptySidesTakeTime() {
    CutProfiler.CutProfile first = profile.cuts().get(0);
    CutProfiler.CutProfile last = profile.cuts().get(profile.cuts().size() - 1);
    assertThat(first.timings()).allSatisfy(t -> assertThat(t.headSeconds()).isZero());
    assertThat(first.timings()).allSatisfy(t -> assertThat(t.tailSeconds()).isPositive());
    assertThat(last.timings()).allSatisfy(t -> assertThat(t.tailSeconds()).isZero());
    assertThat(last.timings()).allSatisfy(t -> assertThat(t.headSeconds()).isPositive());
    for (CutProfiler.CutProfile c : profile.cuts().subList(1, profile.cuts().size() - 1)) {
      assertThat(c.timings().get(0).headSeconds()).isPositive().isLessThan(1.0);
      assertThat(c.timings().get(0).tailSeconds()).isPositive().isLessThan(1.0);
    }
  }

  @Test
  void costTableJsonFollowsTheOptimizersSchemaAndRules() throws Exception {
    JsonNode root =
        new ObjectMapper()
            .readTree(
                CostTableFile.json(
                    profile, "vibration", Instant.parse("2026-11-24T16:00:00Z"), Optional.empty()));
    assertThat(iterable(root.fieldNames()))
        .isSubsetOf(
            Set.of("schemaVersion", "model", "inputBits", "outputBits", "cuts", "metadata"));
    assertThat(root.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(root.get("model").asText()).isEqualTo("vibration");
    assertThat(root.get("inputBits").asLong()).isEqualTo(1024L * 32);
    assertThat(root.get("outputBits").asLong()).isEqualTo(4L * 32);
    JsonNode cuts = root.get("cuts");
    long total = cuts.get(0).get("headFlops").asLong() + cuts.get(0).get("tailFlops").asLong();
    for (int k = 0; k < cuts.size(); k++) {
      JsonNode cut = cuts.get(k);
      assertThat(iterable(cut.fieldNames()))
          .containsExactlyInAnyOrder(
              "id", "label", "headFlops", "tailFlops", "bits", "headSeconds", "tailSeconds");
      assertThat(cut.get("id").asInt()).isEqualTo(k);
      assertThat(cut.get("headFlops").asLong() + cut.get("tailFlops").asLong()).isEqualTo(total);
    }
    assertThat(cuts.get(0).get("bits").asLong()).isEqualTo(root.get("inputBits").asLong());
    assertThat(cuts.get(cuts.size() - 1).get("bits").asLong()).isZero();
    assertThat(cuts.get(1).get("label").asText()).isEqualTo("dft");
    JsonNode byThreads = root.get("metadata").get("secondsByThreads");
    assertThat(byThreads.get("2")).hasSize(cuts.size());
    assertThat(cuts.get(3).get("headSeconds").asDouble())
        .isEqualTo(byThreads.get("1").get(3).get("headSeconds").asDouble());
  }

  @Test
  void wireEncodingCountsBitsAsTheCodecFrameThatCarriesTheCut() throws Exception {
    JsonNode root =
        new ObjectMapper()
            .readTree(
                CostTableFile.json(
                    profile, "vibration", Instant.EPOCH, Optional.of(Encoding.INT8)));
    JsonNode cuts = root.get("cuts");
    // cut 5 sends band_root [1, 69] in int8: the fixed header, 9 ("vibration"), then the tensor:
    // 2 + 9 ("band_root") + 2 + 8 (dims) + 4 (scale), payload 69, CRC 4
    assertThat(cuts.get(5).get("label").asText()).isEqualTo("band_root");
    assertThat(cuts.get(5).get("bits").asLong())
        .isEqualTo(8L * (FrameHeader.FIXED_BYTES + 9 + 2 + 9 + 2 + 8 + 4 + 69 + 4));
    assertThat(root.get("inputBits").asLong()).isEqualTo(cuts.get(0).get("bits").asLong());
    assertThat(cuts.get(cuts.size() - 1).get("bits").asLong()).isZero();
    assertThat(root.get("metadata").get("bits").asText()).isEqualTo("codec frame, int8");
  }

  @Test
  void rejectsNonsenseSettings() {
    assertThatThrownBy(() -> new CutProfiler.Settings(List.of(), 1, 1, 0))
        .hasMessageContaining("threads");
    assertThatThrownBy(() -> new CutProfiler.Settings(List.of(0), 1, 1, 0))
        .hasMessageContaining("threads");
    assertThatThrownBy(() -> new CutProfiler.Settings(List.of(1), 1, 0, 0))
        .hasMessageContaining("repeats");
  }

  @Test
  void minimumStatisticNeverExceedsTheMedianOfTheSameRuns() {
    double[] runs = {3e-5, 1e-5, 9e-5, 2e-5};
    assertThat(CutProfiler.Statistic.MIN.of(runs)).isEqualTo(1e-5);
    assertThat(CutProfiler.Statistic.MEDIAN.of(runs)).isEqualTo(2.5e-5);
    assertThat(profile.settings().statistic()).isEqualTo(CutProfiler.Statistic.MEDIAN);
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(CutProfiler.median(new double[] {5, 1, 3})).isEqualTo(3);
    assertThat(CutProfiler.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
