package io.bdt.gateway.storage;

import java.time.Instant;

/**
 * Why a store on the gateway's disk cannot take writes now: the first write or fsync that failed.
 *
 * @param store which store ({@code twins}, {@code events}, {@code devices})
 * @param operation what failed ({@code write}, {@code fsync}, {@code checkpoint})
 * @param cause the operating system's message (e.g. {@code No space left on device})
 * @param since when it failed
 * @param reopenNeeded true after a failed checkpoint: the state tables were closed (H2 MVStore
 *     closes its file at a failed write) and the store reopens them from their last checkpoint and
 *     its journal once the disk has room; false when it retries the write and takes writes again
 *     once the disk does. Either way it recovers by itself.
 */
public record StorageFault(
    String store, String operation, String cause, Instant since, boolean reopenNeeded) {

  /**
   * The fault for {@code error}, naming its message (or its type when it has none) and, when a
   * library wrapped the operating system's error (H2's "Writing to ... failed"), the innermost
   * cause's too: that is the part that says what to change ({@code No space left on device}).
   */
  public static StorageFault of(
      String store, String operation, Throwable error, Instant since, boolean reopenNeeded) {
    String cause = describe(error);
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != error && root.getMessage() != null && !cause.contains(root.getMessage())) {
      cause += " (" + describe(root) + ")";
    }
    return new StorageFault(store, operation, cause, since, reopenNeeded);
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return message == null || message.isBlank()
        ? error.getClass().getSimpleName()
        : error.getClass().getSimpleName() + ": " + message;
  }

  /** One line for problem responses, health and logs. */
  public String describe() {
    return "the "
        + store
        + " store's "
        + operation
        + " failed ("
        + cause
        + ") since "
        + since
        + (reopenNeeded
            ? "; writes are refused until the disk has room and the store has reopened its tables"
                + " (retried automatically)"
            : "; writes are refused until the disk takes writes again (retried automatically)");
  }
}
