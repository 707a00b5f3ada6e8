package io.bdt.dnn.vibration;

/**
 * The classifier's fixed (untrained) first layers: a Hann-windowed DFT as one matrix product,
 * squared and summed into frequency bands, then compressed. The same matrices become ONNX
 * initializers, so the Java features and the exported model agree. The compression is the fourth
 * root {@code sqrt(sqrt(power))} (a square root of the band magnitude): like {@code log(1 + power)}
 * it squeezes a dynamic range of 10^5 into one an MLP handles, and it uses only operators (MatMul,
 * Mul, Sqrt, Gemm) that the graph analyser counts FLOPs for.
 *
 * <p>Low bins 1..40 (9.8-391 Hz at 9.77 Hz per bin) stay one band each, because shaft harmonics at
 * 20-120 Hz must be resolved; every 4th bin from 44 to 504 (430-4920 Hz) is summed four at a time
 * into 29 wide bands, enough to see where a bearing resonance rings.
 */
public final class SpectralFrontEnd {

  /** Bins kept individually: 1..LOW_BINS. */
  static final int LOW_BINS = 40;

  /** First high-frequency bin sampled, the stride between sampled bins, and bins per band. */
  static final int HIGH_FIRST = 44;

  static final int HIGH_STRIDE = 4;
  static final int HIGH_PER_BAND = 4;
  static final int HIGH_BANDS = 29;

  /** DFT bins computed. */
  public static final int BINS = LOW_BINS + HIGH_BANDS * HIGH_PER_BAND;

  /** Features (bands) the front end produces. */
  public static final int BANDS = LOW_BINS + HIGH_BANDS;

  private static final int N = VibrationGenerator.WINDOW;

  private final double[][] dft; // [N][2 * BINS]: cos and -sin columns per bin, Hann folded in
  private final int[] bandOfBin = new int[BINS];

  /** Builds the matrices (about 1.3 MB of doubles). */
  public SpectralFrontEnd() {
    int[] bins = new int[BINS];
    for (int j = 0; j < LOW_BINS; j++) {
      bins[j] = j + 1;
      bandOfBin[j] = j;
    }
    for (int j = 0; j < HIGH_BANDS * HIGH_PER_BAND; j++) {
      bins[LOW_BINS + j] = HIGH_FIRST + HIGH_STRIDE * j;
      bandOfBin[LOW_BINS + j] = LOW_BINS + j / HIGH_PER_BAND;
    }
    dft = new double[N][2 * BINS];
    for (int n = 0; n < N; n++) {
      double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / N);
      for (int j = 0; j < BINS; j++) {
        double angle = 2 * Math.PI * (((long) bins[j] * n) % N) / N;
        dft[n][2 * j] = hann * Math.cos(angle);
        dft[n][2 * j + 1] = -hann * Math.sin(angle);
      }
    }
  }

  /** The band features {@code (band power)^(1/4)} of one window. */
  public double[] features(float[] window) {
    if (window.length != N) {
      throw new IllegalArgumentException(
          "window must have " + N + " samples, got " + window.length);
    }
    double[] spectrum = new double[2 * BINS];
    for (int n = 0; n < N; n++) {
      double x = window[n];
      double[] row = dft[n];
      for (int c = 0; c < spectrum.length; c++) {
        spectrum[c] += x * row[c];
      }
    }
    double[] bands = new double[BANDS];
    for (int j = 0; j < BINS; j++) {
      double re = spectrum[2 * j];
      double im = spectrum[2 * j + 1];
      bands[bandOfBin[j]] += re * re + im * im;
    }
    for (int b = 0; b < BANDS; b++) {
      bands[b] = Math.sqrt(Math.sqrt(bands[b]));
    }
    return bands;
  }

  /** The DFT matrix, row-major {@code [1024, 2 * BINS]}, as an ONNX MatMul weight. */
  float[] dftMatrix() {
    float[] m = new float[N * 2 * BINS];
    for (int n = 0; n < N; n++) {
      for (int c = 0; c < 2 * BINS; c++) {
        m[n * 2 * BINS + c] = (float) dft[n][c];
      }
    }
    return m;
  }

  /** The 0/1 matrix, row-major {@code [2 * BINS, BANDS]}, summing squared parts into bands. */
  float[] bandMatrix() {
    float[] m = new float[2 * BINS * BANDS];
    for (int j = 0; j < BINS; j++) {
      m[(2 * j) * BANDS + bandOfBin[j]] = 1;
      m[(2 * j + 1) * BANDS + bandOfBin[j]] = 1;
    }
    return m;
  }
}
