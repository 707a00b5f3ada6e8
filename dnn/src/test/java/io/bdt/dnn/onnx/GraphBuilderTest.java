package io.bdt.dnn.onnx;

import static io.bdt.dnn.onnx.GraphBuilder.intAttr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphBuilderTest {

  @TempDir Path dir;

  @Test
  void builtGemmReluModelRunsInOnnxRuntimeWithTheExpectedResult() throws Exception {
    GraphBuilder g = new GraphBuilder("tiny");
    String x = g.input("x", 1, 2);
    String w = g.initializer("w", new float[] {1, 2, 3, 4, -5, -6}, 3, 2);
    String b = g.initializer("b", new float[] {0.5f, 0, 0}, 3);
    String y = g.node("Gemm", "fc", List.of(x, w, b), intAttr("transB", 1));
    String z = g.node("Relu", "relu", List.of(y));
    g.output(z, 1, 3);
    Path file = dir.resolve("tiny.onnx");
    g.write(file);

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions());
        OnnxTensor in =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {1, 1}), new long[] {1, 2});
        OrtSession.Result result = session.run(Map.of("x", in))) {
      float[][] out = (float[][]) result.get(0).getValue();
      // x*W^T + b = [1+2+0.5, 3+4, -5-6] -> relu -> [3.5, 7, 0]
      assertThat(out[0][0]).isCloseTo(3.5f, within(1e-6f));
      assertThat(out[0][1]).isCloseTo(7f, within(1e-6f));
      assertThat(out[0][2]).isZero();
    }
  }

  @Test
  void writtenModelReadsBackWithItsOpsetAndInitializers() throws Exception {
    GraphBuilder g = new GraphBuilder("tiny", 13);
    String x = g.input("x", GraphBuilder.shape("N", 4));
    String s = g.initializer("shape", new long[] {-1, 2, 2}, 3);
    g.output(g.node("Reshape", "reshape", List.of(x, s)));
    Path file = dir.resolve("reshape.onnx");
    g.write(file);

    ModelProto model = OnnxModels.read(file);
    assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(13);
    assertThat(model.getGraph().getInitializer(0).getName()).isEqualTo("shape");
    assertThat(
            model
                .getGraph()
                .getInput(0)
                .getType()
                .getTensorType()
                .getShape()
                .getDim(0)
                .getDimParam())
        .isEqualTo("N");
  }

  @Test
  void rejectsInitializerWhoseDataDoesNotFillItsDims() {
    GraphBuilder g = new GraphBuilder("bad");
    assertThatThrownBy(() -> g.initializer("w", new float[5], 2, 3))
        .hasMessageContaining("initializer w has 5 values but dims [2, 3] hold 6");
  }

  @Test
  void rejectsTwoTensorsWithTheSameName() {
    GraphBuilder g = new GraphBuilder("bad");
    g.input("x", 1, 2);
    assertThatThrownBy(() -> g.node("Relu", "x", List.of("x")))
        .hasMessageContaining("tensor name already used in this graph: x");
  }

  @Test
  void readRejectsGarbageBytesNamingTheFile() throws Exception {
    Path file = dir.resolve("garbage.onnx");
    Files.write(file, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02});
    assertThatThrownBy(() -> OnnxModels.read(file))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("bad file " + file)
        .hasMessageContaining("not an ONNX model");
  }
}
