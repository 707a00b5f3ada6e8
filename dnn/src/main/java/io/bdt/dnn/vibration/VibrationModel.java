package io.bdt.dnn.vibration;

import io.bdt.dnn.onnx.GraphBuilder;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.StringStringEntryProto;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The vibration-fault classifier: the fixed {@link SpectralFrontEnd} followed by a trained MLP, as
 * a Java forward pass and as an ONNX chain of eleven nodes (so it has ten inner cut points).
 *
 * <p>ONNX interface: input {@value #INPUT} float32 {@code [1, 1024]} (accelerometer samples in g at
 * 10 kHz), output {@value #OUTPUT} float32 {@code [1, 4]} in {@link MachineState#ORDER}. Training
 * is deterministic in its seed and takes a few seconds.
 */
public final class VibrationModel {

  /** Name of the ONNX graph input. */
  public static final String INPUT = "window";

  /** Name of the ONNX graph output. */
  public static final String OUTPUT = "probabilities";

  /** The model id used in zoo listings, cost tables and codec frames. */
  public static final String MODEL_ID = "vibration";

  /** The seed the zoo trains with. */
  public static final long DEFAULT_SEED = 1;

  /** The seed of the held-out evaluation set (never used for training). */
  public static final long HELD_OUT_SEED = 20_261_124;

  static final int TRAIN_PER_STATE = 1000;
  static final int[] HIDDEN = {64, 32};
  static final int EPOCHS = 30;
  static final int BATCH = 32;
  static final double LEARNING_RATE = 2e-3;

  /**
   * The chain's nodes, in order; layer {@code i}'s output tensor is named {@code LAYERS.get(i)}.
   */
  public static final List<String> LAYERS =
      List.of(
          "dft",
          "power_parts",
          "band_power",
          "band_magnitude",
          "band_root",
          "fc1",
          "relu1",
          "fc2",
          "relu2",
          "logits",
          OUTPUT);

  private final SpectralFrontEnd frontEnd;
  private final double[] featureMean;
  private final double[] featureStd;
  private final Mlp mlp;
  private final long seed;

  private VibrationModel(
      SpectralFrontEnd frontEnd, double[] featureMean, double[] featureStd, Mlp mlp, long seed) {
    this.frontEnd = frontEnd;
    this.featureMean = featureMean;
    this.featureStd = featureStd;
    this.mlp = mlp;
    this.seed = seed;
  }

  /**
   * Trains a classifier on {@value #TRAIN_PER_STATE} windows per state drawn with {@code seed}; the
   * MLP's initial weights and batch order come from the same seed.
   */
  public static VibrationModel train(long seed) {
    SpectralFrontEnd frontEnd = new SpectralFrontEnd();
    List<VibrationWindow> windows = new VibrationGenerator(seed).dataset(TRAIN_PER_STATE);
    double[][] features = new double[windows.size()][];
    int[] labels = new int[windows.size()];
    for (int i = 0; i < windows.size(); i++) {
      features[i] = frontEnd.features(windows.get(i).samples());
      labels[i] = windows.get(i).state().ordinal();
    }
    int d = SpectralFrontEnd.BANDS;
    double[] mean = new double[d];
    double[] std = new double[d];
    for (double[] f : features) {
      for (int j = 0; j < d; j++) {
        mean[j] += f[j] / features.length;
      }
    }
    for (double[] f : features) {
      for (int j = 0; j < d; j++) {
        std[j] += (f[j] - mean[j]) * (f[j] - mean[j]) / features.length;
      }
    }
    for (int j = 0; j < d; j++) {
      std[j] = Math.sqrt(std[j]) + 1e-6;
    }
    double[][] standardized = new double[features.length][d];
    for (int i = 0; i < features.length; i++) {
      for (int j = 0; j < d; j++) {
        standardized[i][j] = (features[i][j] - mean[j]) / std[j];
      }
    }
    Mlp mlp = new Mlp(seed, d, HIDDEN[0], HIDDEN[1], MachineState.ORDER.size());
    mlp.train(standardized, labels, EPOCHS, BATCH, LEARNING_RATE, seed);
    return new VibrationModel(frontEnd, mean, std, mlp, seed);
  }

  /** The seed this model was trained with. */
  public long seed() {
    return seed;
  }

  /** Class probabilities of one window by the Java forward pass, in {@link MachineState#ORDER}. */
  public double[] probabilities(float[] window) {
    double[] f = frontEnd.features(window);
    double[] z = new double[f.length];
    for (int j = 0; j < f.length; j++) {
      z[j] = (f[j] - featureMean[j]) / featureStd[j];
    }
    return mlp.probabilities(z);
  }

  /** The most probable state of one window by the Java forward pass. */
  public MachineState classify(float[] window) {
    return MachineState.ORDER.get(argMax(probabilities(window)));
  }

  /** The whole classifier as an ONNX model. */
  public ModelProto toOnnx() {
    return toOnnx(0, LAYERS.size());
  }

  /**
   * The layers {@code [from, to)} of the chain as an ONNX model: its input is {@value #INPUT} if
   * {@code from == 0}, else the output tensor of layer {@code from - 1}; its output is the output
   * of layer {@code to - 1}. Used to check the model's own split against the generic splitter.
   */
  public ModelProto toOnnx(int from, int to) {
    if (from < 0 || to > LAYERS.size() || from >= to) {
      throw new IllegalArgumentException(
          "layer range [" + from + ", " + to + ") must lie in [0, " + LAYERS.size() + "]");
    }
    GraphBuilder g = new GraphBuilder(MODEL_ID, 17);
    long[] widths = widths();
    g.input(from == 0 ? INPUT : LAYERS.get(from - 1), 1, from == 0 ? widths[0] : widths[from]);
    int bins2 = 2 * SpectralFrontEnd.BINS;
    int bands = SpectralFrontEnd.BANDS;
    float[][] gemmW = new float[mlp.layers()][];
    float[][] gemmB = new float[mlp.layers()][];
    foldedGemms(gemmW, gemmB);
    for (int i = from; i < to; i++) {
      String in = i == 0 ? INPUT : LAYERS.get(i - 1);
      String name = LAYERS.get(i);
      switch (i) {
        case 0 ->
            g.node(
                "MatMul",
                name,
                List.of(in, g.initializer("dft_matrix", frontEnd.dftMatrix(), widths[0], bins2)));
        case 1 -> g.node("Mul", name, List.of(in, in));
        case 2 ->
            g.node(
                "MatMul",
                name,
                List.of(in, g.initializer("band_matrix", frontEnd.bandMatrix(), bins2, bands)));
        case 3, 4 -> g.node("Sqrt", name, List.of(in));
        case 5, 7, 9 -> {
          int l = (i - 5) / 2;
          g.node(
              "Gemm",
              name,
              List.of(
                  in,
                  g.initializer(name + ".weight", gemmW[l], mlp.sizes[l], mlp.sizes[l + 1]),
                  g.initializer(name + ".bias", gemmB[l], mlp.sizes[l + 1])));
        }
        case 6, 8 -> g.node("Relu", name, List.of(in));
        case 10 -> g.node("Softmax", name, List.of(in), GraphBuilder.intAttr("axis", -1));
        default -> throw new IllegalStateException("no layer " + i);
      }
      if (i < to - 1) {
        g.valueInfo(name, 1, widths[i + 1]);
      }
    }
    g.output(LAYERS.get(to - 1), 1, widths[to]);
    ModelProto model = g.build();
    return model.toBuilder()
        .setDocString(
            "Vibration-fault classifier (B-DT). Input window [1,1024] float32: accelerometer"
                + " samples in g at 10 kHz. Output probabilities [1,4] in label order.")
        .setModelVersion(1)
        .addMetadataProps(entry("labels", labels()))
        .addMetadataProps(entry("training_seed", Long.toString(seed)))
        .build();
  }

  /** The labels in output order, comma-separated. */
  public static String labels() {
    return MachineState.ORDER.stream().map(MachineState::label).collect(Collectors.joining(","));
  }

  /** Widths of the chain's tensors: [0] the input, [i + 1] the output of layer i. */
  static long[] widths() {
    long bins2 = 2L * SpectralFrontEnd.BINS;
    long bands = SpectralFrontEnd.BANDS;
    return new long[] {
      VibrationGenerator.WINDOW,
      bins2,
      bins2,
      bands,
      bands,
      bands,
      HIDDEN[0],
      HIDDEN[0],
      HIDDEN[1],
      HIDDEN[1],
      MachineState.ORDER.size(),
      MachineState.ORDER.size()
    };
  }

  /** The Gemm weights with the feature standardization folded into the first one. */
  private void foldedGemms(float[][] w, float[][] b) {
    for (int l = 0; l < mlp.layers(); l++) {
      int in = mlp.sizes[l];
      int out = mlp.sizes[l + 1];
      w[l] = new float[in * out];
      b[l] = new float[out];
      for (int j = 0; j < out; j++) {
        double bias = mlp.biases[l][j];
        for (int i = 0; i < in; i++) {
          double weight = mlp.weights[l][i][j];
          if (l == 0) {
            bias -= weight * featureMean[i] / featureStd[i];
            weight /= featureStd[i];
          }
          w[l][i * out + j] = (float) weight;
        }
        b[l][j] = (float) bias;
      }
    }
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  static int argMax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
