package io.bdt.platform.latency;

/**
 * Ordinary least squares {@code y = a + sum_j b_j x_j} with the slopes kept {@code >= 0}: a latency
 * cannot fall as work grows, so a negative slope means the term is below the noise; it is dropped
 * (set to 0) and the rest refitted.
 */
final class LeastSquares {

  private LeastSquares() {}

  /**
   * @param x one row of regressors per observation
   * @param y observations
   * @return {@code [a, b_1, ..., b_p]}
   */
  static double[] nonNegativeSlopes(double[][] x, double[] y) {
    if (x.length == 0 || x.length != y.length) {
      throw new IllegalArgumentException(
          "least squares: need one regressor row per observation, got "
              + x.length
              + " rows and "
              + y.length
              + " observations");
    }
    int p = x[0].length;
    // columns scaled to max |x| = 1, so FLOPs (1e5) and bits (1e4) do not swamp the intercept
    double[] scale = new double[p];
    for (int j = 0; j < p; j++) {
      for (double[] row : x) {
        scale[j] = Math.max(scale[j], Math.abs(row[j]));
      }
      scale[j] = scale[j] == 0 ? 1 : scale[j];
    }
    double[][] scaled = new double[x.length][p];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < p; j++) {
        scaled[i][j] = x[i][j] / scale[j];
      }
    }
    double[] fit = scaledFit(scaled, y);
    for (int j = 0; j < p; j++) {
      fit[j + 1] /= scale[j];
    }
    return fit;
  }

  private static double[] scaledFit(double[][] x, double[] y) {
    int p = x[0].length;
    boolean[] active = new boolean[p];
    java.util.Arrays.fill(active, true);
    while (true) {
      double[] fit = fit(x, y, active);
      int worst = -1;
      for (int j = 0; j < p; j++) {
        if (active[j] && fit[j + 1] < 0 && (worst < 0 || fit[j + 1] < fit[worst + 1])) {
          worst = j;
        }
      }
      if (worst < 0) {
        return fit;
      }
      active[worst] = false;
    }
  }

  /** OLS on the active regressors (inactive slopes are 0), by the normal equations. */
  private static double[] fit(double[][] x, double[] y, boolean[] active) {
    int n = y.length;
    int p = x[0].length;
    int[] cols = java.util.stream.IntStream.range(0, p).filter(j -> active[j]).toArray();
    int q = cols.length + 1;
    if (n < q) {
      throw new IllegalArgumentException(
          "least squares: " + n + " observations cannot fit " + q + " coefficients");
    }
    double[][] a = new double[q][q + 1];
    for (int i = 0; i < n; i++) {
      double[] row = new double[q];
      row[0] = 1;
      for (int c = 0; c < cols.length; c++) {
        row[c + 1] = x[i][cols[c]];
      }
      for (int r = 0; r < q; r++) {
        for (int c = 0; c < q; c++) {
          a[r][c] += row[r] * row[c];
        }
        a[r][q] += row[r] * y[i];
      }
    }
    double[] solution = solve(a, q);
    double[] out = new double[p + 1];
    out[0] = solution[0];
    for (int c = 0; c < cols.length; c++) {
      out[cols[c] + 1] = solution[c + 1];
    }
    return out;
  }

  /** Gauss-Jordan with partial pivoting on the augmented {@code q x (q+1)} matrix. */
  private static double[] solve(double[][] a, int q) {
    for (int col = 0; col < q; col++) {
      int pivot = col;
      for (int r = col + 1; r < q; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] tmp = a[col];
      a[col] = a[pivot];
      a[pivot] = tmp;
      if (Math.abs(a[col][col]) < 1e-300) {
        throw new IllegalArgumentException(
            "least squares: regressors are collinear (every observation has the same value)");
      }
      for (int r = 0; r < q; r++) {
        if (r != col) {
          double f = a[r][col] / a[col][col];
          for (int c = col; c <= q; c++) {
            a[r][c] -= f * a[col][c];
          }
        }
      }
    }
    double[] out = new double[q];
    for (int r = 0; r < q; r++) {
      out[r] = a[r][q] / a[r][r];
    }
    return out;
  }
}
