package io.bdt.dnn.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.graph.TensorInfo;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.OrtTensors;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import io.bdt.dnn.onnx.proto.Onnx.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ONNX's own backend node tests against the analyser: for every test ONNX Runtime runs, the
 * analysed output shapes equal the test's expected outputs. The tests come from the {@code onnx}
 * wheel's generators ({@code src/test/python/onnx_node_tests.py}, installed and run by the fixture
 * step, cached in target/onnx-node-tests). The analyser gets the test's input values, since many
 * node tests feed a shape (Reshape, Expand, Tile ...) as an input. Counts go to
 * target/onnx-conformance.txt and docs/dnn.md.
 */
class OnnxNodeConformanceIT {

  private static final Path DATA = Path.of("target/onnx-node-tests");

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void analysedOutputShapesEqualTheExpectedOnesForEveryNodeTestOnnxRuntimeRuns() throws Exception {
    if (!Files.exists(DATA.resolve("VERSION"))) {
      PythonFixture.require(List.of("onnx", "numpy"), List.of("onnx"));
      PythonFixture.script("onnx_node_tests.py", 900, DATA.toString());
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    int cases = 0;
    int nonTensor = 0;
    int ortRejects = 0;
    int ortDiffers = 0;
    int passed = 0;
    Map<String, String> failures = new TreeMap<>();
    List<Path> dirs;
    try (Stream<Path> list = Files.list(DATA)) {
      dirs = list.filter(Files::isDirectory).sorted().toList();
    }
    for (Path dir : dirs) {
      cases++;
      if (Files.exists(dir.resolve("SKIP"))) {
        nonTensor++;
        continue;
      }
      ModelProto model = OnnxModels.read(dir.resolve("model.onnx"));
      Path data = dir.resolve("test_data_set_0");
      List<String> inputNames = graphInputs(model);
      Map<String, TensorProto> inputs = new LinkedHashMap<>();
      for (int i = 0; i < inputNames.size(); i++) {
        Path file = data.resolve("input_" + i + ".pb");
        if (Files.exists(file)) {
          inputs.put(inputNames.get(i), TensorProto.parseFrom(Files.readAllBytes(file)));
        }
      }
      List<List<Long>> expected = new ArrayList<>();
      for (int i = 0; i < model.getGraph().getOutputCount(); i++) {
        expected.add(
            TensorProto.parseFrom(Files.readAllBytes(data.resolve("output_" + i + ".pb")))
                .getDimsList());
      }
      List<List<Long>> byOrt;
      try {
        byOrt = runOrt(env, model, inputs);
      } catch (Exception | LinkageError e) {
        ortRejects++;
        continue;
      }
      if (!byOrt.equals(expected)) {
        ortDiffers++; // ORT's own result disagrees with ONNX's expected shape: not ours to match
        continue;
      }
      try {
        GraphAnalysis a =
            GraphAnalyzer.analyze(model, Map.of(), GraphAnalyzer.DEFAULT_MAX_CUT_TENSORS, inputs);
        List<List<Long>> analysed = a.outputs().stream().map(TensorInfo::dims).toList();
        if (analysed.equals(expected)) {
          passed++;
        } else {
          failures.put(
              dir.getFileName().toString(), "analysed " + analysed + ", expected " + expected);
        }
      } catch (RuntimeException e) {
        failures.put(dir.getFileName().toString(), e.toString());
      }
    }
    int ran = cases - nonTensor - ortRejects - ortDiffers;
    String summary =
        String.format(
            "onnx %s node tests: %d cases, %d with non-tensor inputs/outputs, %d ONNX Runtime"
                + " (Java %s) does not run, %d where ONNX Runtime's own shapes differ from the"
                + " expected; of the %d it runs: %d passed, %d failed%n",
            Files.readString(DATA.resolve("VERSION")).strip(),
            cases,
            nonTensor,
            ortRejects,
            env.getVersion(),
            ortDiffers,
            ran,
            passed,
            failures.size());
    StringBuilder report = new StringBuilder(summary);
    failures.forEach((k, v) -> report.append(k).append(": ").append(v).append('\n'));
    Files.writeString(Path.of("target/onnx-conformance.txt"), report);
    System.out.print(report);
    assertThat(ran).as("node tests ONNX Runtime runs").isGreaterThan(1000);
    assertThat(failures).as(summary).isEmpty();
  }

  private static List<String> graphInputs(ModelProto model) {
    Set<String> initializers = new HashSet<>();
    model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
    List<String> names = new ArrayList<>();
    for (ValueInfoProto vi : model.getGraph().getInputList()) {
      if (!initializers.contains(vi.getName())) {
        names.add(vi.getName());
      }
    }
    return names;
  }

  private static List<List<Long>> runOrt(
      OrtEnvironment env, ModelProto model, Map<String, TensorProto> inputs) throws Exception {
    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      for (Map.Entry<String, TensorProto> e : inputs.entrySet()) {
        feed.put(e.getKey(), OrtTensors.fromProto(env, e.getValue()));
      }
      try (OrtSession session = env.createSession(model.toByteArray(), options);
          OrtSession.Result result = session.run(feed)) {
        List<List<Long>> shapes = new ArrayList<>();
        for (ValueInfoProto out : model.getGraph().getOutputList()) {
          OnnxValue v = result.get(out.getName()).orElseThrow();
          shapes.add(Arrays.stream(((OnnxTensor) v).getInfo().getShape()).boxed().toList());
        }
        return shapes;
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }
}
