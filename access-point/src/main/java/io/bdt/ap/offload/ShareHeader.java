package io.bdt.ap.offload;

/**
 * Reads the share headers of an offload ({@code X-Bdt-Inference-Share}, {@code X-Bdt-Mining-Share},
 * Hz, {@code X-Bdt-Slot} and {@code X-Bdt-Slot-Tasks}); each error names its header and the value.
 */
public final class ShareHeader {
  public static final String INFERENCE = "X-Bdt-Inference-Share";
  public static final String MINING = "X-Bdt-Mining-Share";
  public static final String SLOT = "X-Bdt-Slot";

  /** How many tasks of the gateway share the slot's inference share ({@code b_n(t)}). */
  public static final String SLOT_TASKS = "X-Bdt-Slot-Tasks";

  private ShareHeader() {}

  /**
   * A share in Hz of budget {@code budgetHz}: a finite number in {@code [0, budgetHz]}.
   *
   * @throws IllegalArgumentException naming {@code header}
   */
  public static double hz(String header, String value, double budgetHz) {
    double hz;
    try {
      hz = Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      throw bad(header, value, budgetHz);
    }
    if (!(hz >= 0 && hz <= budgetHz)) { // NaN and infinities fail too
      throw bad(header, value, budgetHz);
    }
    return hz;
  }

  /** The decision's slot, an integer >= 0; {@code -1} when the header is absent. */
  public static long slot(String value) {
    if (value == null) {
      return -1;
    }
    try {
      long slot = Long.parseLong(value.strip());
      if (slot >= 0) {
        return slot;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        SLOT + ": must be an integer >= 0, got '" + abbreviated(value) + "'");
  }

  /**
   * The number of tasks sharing the slot's share, 1..65536; {@code 1} when the header is absent.
   */
  public static int slotTasks(String value) {
    if (value == null) {
      return 1;
    }
    try {
      int n = Integer.parseInt(value.strip());
      if (n >= 1 && n <= 65_536) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        SLOT_TASKS + ": must be an integer in [1, 65536], got '" + abbreviated(value) + "'");
  }

  /**
   * Checks that a decision's two shares are shares of one budget: {@code inference + mining <=
   * budgetHz} (with a relative tolerance of 1e-6 for the solver's rounding).
   */
  public static void checkSum(double inferenceHz, double miningHz, double budgetHz) {
    if (inferenceHz + miningHz > budgetHz * (1 + 1e-6)) {
      throw new IllegalArgumentException(
          INFERENCE
              + " + "
              + MINING
              + ": "
              + inferenceHz
              + " + "
              + miningHz
              + " Hz exceed this AP's budget F_m = "
              + budgetHz
              + " Hz");
    }
  }

  private static IllegalArgumentException bad(String header, String value, double budgetHz) {
    return new IllegalArgumentException(
        header
            + ": must be a number of Hz in [0, "
            + budgetHz
            + "] (this AP's budget F_m), got '"
            + abbreviated(value)
            + "'");
  }

  private static String abbreviated(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "...";
  }
}
