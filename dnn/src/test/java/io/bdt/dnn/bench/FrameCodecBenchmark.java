package io.bdt.dnn.bench;

import io.bdt.dnn.codec.Encoding;
import io.bdt.dnn.codec.Frame;
import io.bdt.dnn.codec.FrameCodec;
import io.bdt.dnn.codec.FrameException;
import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.codec.Tensor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Throughput of the tensor wire codec on a ResNet-style intermediate tensor {@code 1x64x56x56}
 * (200,704 floats, 802,816 bytes as float32). Payload GB/s = ops/s x payload bytes of the float32
 * tensor (802,816) / 1e9, for every encoding (so the rate is in source-tensor bytes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FrameCodecBenchmark {

  @Param({"FLOAT32", "FLOAT16", "INT8"})
  public Encoding encoding;

  private static final ModelHash HASH = new ModelHash("ab".repeat(ModelHash.BYTES));

  private Frame frame;
  private ByteBuffer direct;
  private byte[] encoded;

  @Setup
  public void setUp() {
    int[] shape = {1, 64, 56, 56};
    float[] values = new float[64 * 56 * 56];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    frame = new Frame("resnet18", HASH, 4, List.of(new Tensor("layer1", encoding, shape, values)));
    direct = ByteBuffer.allocateDirect(FrameCodec.encodedSize(frame));
    encoded = FrameCodec.encode(frame);
  }

  @Benchmark
  public Frame encodeThenDecodeDirect() throws FrameException {
    direct.clear();
    FrameCodec.encode(frame, direct);
    direct.flip();
    return FrameCodec.decode(direct);
  }

  @Benchmark
  public ByteBuffer encodeDirect() {
    direct.clear();
    FrameCodec.encode(frame, direct);
    return direct;
  }

  @Benchmark
  public Frame decodeHeap() throws FrameException {
    return FrameCodec.decode(encoded);
  }
}
