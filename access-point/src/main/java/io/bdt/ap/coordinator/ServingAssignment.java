package io.bdt.ap.coordinator;

/**
 * What the slot coordinator assigned one gateway in a slot, as its serving AP checks the gateway's
 * offloads against it (docs/dpra.md, "Checking the claimed share").
 *
 * @param gateway the gateway's address (lower case)
 * @param servingAp {@code m(n)}: index of the AP that serves it, in genesis order
 * @param inferenceShare {@code f_n^I}, Hz
 * @param slotTasks {@code b_n(t)}: the tasks that share it (the samples of the gateway's demand)
 */
public record ServingAssignment(
    String gateway, int servingAp, double inferenceShare, int slotTasks) {

  public ServingAssignment {
    if (gateway == null || gateway.isBlank()) {
      throw new IllegalArgumentException("gateway: must name the gateway");
    }
    if (servingAp < 0) {
      throw new IllegalArgumentException("servingAp: must be an AP index >= 0, was " + servingAp);
    }
    if (!(inferenceShare >= 0) || Double.isInfinite(inferenceShare)) {
      throw new IllegalArgumentException(
          "inferenceShare: must be finite and >= 0 Hz, was " + inferenceShare);
    }
    if (slotTasks < 0) {
      throw new IllegalArgumentException("slotTasks: must be >= 0, was " + slotTasks);
    }
    gateway = gateway.toLowerCase(java.util.Locale.ROOT);
  }
}
