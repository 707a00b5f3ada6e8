package io.bdt.dnn.vibration;

import java.util.SplittableRandom;

/**
 * A fully connected network {@code Gemm -> Relu -> ... -> Gemm -> Softmax} trained with Adam on
 * softmax cross-entropy, with hand-written backpropagation. Weights are {@code [in][out]}, the
 * layout of an ONNX {@code Gemm} with {@code transB = 0}.
 */
final class Mlp {

  final int[] sizes;
  final double[][][] weights; // [layer][in][out]
  final double[][] biases; // [layer][out]

  /** A network with layer widths {@code sizes} (input first), He-initialized from {@code seed}. */
  Mlp(long seed, int... sizes) {
    this.sizes = sizes.clone();
    SplittableRandom random = new SplittableRandom(seed);
    weights = new double[sizes.length - 1][][];
    biases = new double[sizes.length - 1][];
    for (int l = 0; l < weights.length; l++) {
      double std = Math.sqrt(2.0 / sizes[l]);
      weights[l] = new double[sizes[l]][sizes[l + 1]];
      biases[l] = new double[sizes[l + 1]];
      for (double[] row : weights[l]) {
        for (int j = 0; j < row.length; j++) {
          row[j] = std * random.nextGaussian();
        }
      }
    }
  }

  int layers() {
    return weights.length;
  }

  /** Class probabilities for one input. */
  double[] probabilities(double[] input) {
    return forward(input)[layers()];
  }

  /** Activations of every layer: [0] the input, [l] after layer l (ReLU, or softmax at the end). */
  private double[][] forward(double[] input) {
    double[][] a = new double[layers() + 1][];
    a[0] = input;
    for (int l = 0; l < layers(); l++) {
      double[] out = biases[l].clone();
      double[][] w = weights[l];
      for (int i = 0; i < w.length; i++) {
        double x = a[l][i];
        if (x != 0) {
          double[] row = w[i];
          for (int j = 0; j < out.length; j++) {
            out[j] += x * row[j];
          }
        }
      }
      if (l < layers() - 1) {
        for (int j = 0; j < out.length; j++) {
          out[j] = Math.max(0, out[j]);
        }
      } else {
        softmaxInPlace(out);
      }
      a[l + 1] = out;
    }
    return a;
  }

  /**
   * Trains on {@code inputs} with labels {@code labels} by mini-batch Adam; the sample order of
   * each epoch comes from {@code seed}. Returns the mean cross-entropy of the last epoch.
   */
  double train(double[][] inputs, int[] labels, int epochs, int batch, double rate, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][][] gw = zerosLike(weights);
    double[][] gb = zerosLike(biases);
    Adam adam = new Adam(weights, biases);
    int[] order = new int[inputs.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    double loss = 0;
    for (int epoch = 0; epoch < epochs; epoch++) {
      shuffle(order, random);
      loss = 0;
      for (int from = 0; from < order.length; from += batch) {
        int to = Math.min(order.length, from + batch);
        clear(gw, gb);
        for (int s = from; s < to; s++) {
          loss += accumulateGradient(inputs[order[s]], labels[order[s]], gw, gb);
        }
        adam.step(gw, gb, rate, to - from);
      }
      loss /= inputs.length;
    }
    return loss;
  }

  private double accumulateGradient(double[] input, int label, double[][][] gw, double[][] gb) {
    double[][] a = forward(input);
    double[] delta = a[layers()].clone(); // d(loss)/d(logits) = p - onehot
    double loss = -Math.log(Math.max(delta[label], 1e-300));
    delta[label] -= 1;
    for (int l = layers() - 1; l >= 0; l--) {
      double[] in = a[l];
      double[][] w = weights[l];
      for (int j = 0; j < delta.length; j++) {
        gb[l][j] += delta[j];
      }
      double[] back = new double[in.length];
      for (int i = 0; i < in.length; i++) {
        double x = in[i];
        double[] row = w[i];
        double[] grow = gw[l][i];
        double sum = 0;
        for (int j = 0; j < delta.length; j++) {
          grow[j] += x * delta[j];
          sum += row[j] * delta[j];
        }
        back[i] = l > 0 && in[i] <= 0 ? 0 : sum; // ReLU derivative of the layer below
      }
      delta = back;
    }
    return loss;
  }

  static void softmaxInPlace(double[] v) {
    double max = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.exp(v[i] - max);
      sum += v[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= sum;
    }
  }

  private static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static double[][][] zerosLike(double[][][] m) {
    double[][][] z = new double[m.length][][];
    for (int l = 0; l < m.length; l++) {
      z[l] = new double[m[l].length][m[l][0].length];
    }
    return z;
  }

  private static double[][] zerosLike(double[][] m) {
    double[][] z = new double[m.length][];
    for (int l = 0; l < m.length; l++) {
      z[l] = new double[m[l].length];
    }
    return z;
  }

  private static void clear(double[][][] gw, double[][] gb) {
    for (double[][] w : gw) {
      for (double[] row : w) {
        java.util.Arrays.fill(row, 0);
      }
    }
    for (double[] b : gb) {
      java.util.Arrays.fill(b, 0);
    }
  }

  /** Adam (Kingma and Ba 2015) with the paper's default betas and epsilon. */
  private static final class Adam {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;
    private final double[][][] w;
    private final double[][] b;
    private final double[][][] mw;
    private final double[][][] vw;
    private final double[][] mb;
    private final double[][] vb;
    private int t;

    Adam(double[][][] w, double[][] b) {
      this.w = w;
      this.b = b;
      mw = zerosLike(w);
      vw = zerosLike(w);
      mb = zerosLike(b);
      vb = zerosLike(b);
    }

    void step(double[][][] gw, double[][] gb, double rate, int batch) {
      t++;
      double c1 = 1 - Math.pow(BETA1, t);
      double c2 = 1 - Math.pow(BETA2, t);
      for (int l = 0; l < w.length; l++) {
        for (int i = 0; i < w[l].length; i++) {
          update(w[l][i], gw[l][i], mw[l][i], vw[l][i], rate, batch, c1, c2);
        }
        update(b[l], gb[l], mb[l], vb[l], rate, batch, c1, c2);
      }
    }

    private static void update(
        double[] p,
        double[] g,
        double[] m,
        double[] v,
        double rate,
        int batch,
        double c1,
        double c2) {
      for (int j = 0; j < p.length; j++) {
        double grad = g[j] / batch;
        m[j] = BETA1 * m[j] + (1 - BETA1) * grad;
        v[j] = BETA2 * v[j] + (1 - BETA2) * grad * grad;
        p[j] -= rate * (m[j] / c1) / (Math.sqrt(v[j] / c2) + EPSILON);
      }
    }
  }
}
