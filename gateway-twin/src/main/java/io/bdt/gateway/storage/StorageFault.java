package io.bdt.gateway.storage;

import java.time.Instant;

/**
 * Why a store on the gateway's disk cannot take writes now: the first write or fsync that failed.
 *
 * @param store which store ({@code twins}, {@code events})
 * @param operation what failed ({@code write}, {@code fsync}, {@code checkpoint})
 * @param cause the operating system's message (e.g. {@code No space left on device})
 * @param since when it failed
 * @param restartNeeded true when the store cannot recover by itself (a failed checkpoint leaves the
 *     state tables closed); false when it retries and takes writes again once the disk does
 */
public record StorageFault(
    String store, String operation, String cause, Instant since, boolean restartNeeded) {

  /** The fault for {@code error}, naming its message or its type when it has none. */
  public static StorageFault of(
      String store, String operation, Throwable error, Instant since, boolean restartNeeded) {
    String message = error.getMessage();
    String cause =
        message == null || message.isBlank()
            ? error.getClass().getSimpleName()
            : error.getClass().getSimpleName() + ": " + message;
    return new StorageFault(store, operation, cause, since, restartNeeded);
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
        + (restartNeeded
            ? "; writes are refused until the gateway restarts on a disk with room"
            : "; writes are refused until the disk takes writes again (retried automatically)");
  }
}
