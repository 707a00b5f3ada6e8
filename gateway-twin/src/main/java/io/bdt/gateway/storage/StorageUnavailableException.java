package io.bdt.gateway.storage;

/**
 * A write refused because the store it goes to cannot make it durable ({@link StorageFault}): the
 * REST API answers 503 with the fault, the MQTT side withholds the PUBACK.
 */
public final class StorageUnavailableException extends RuntimeException {

  private final transient StorageFault fault;

  public StorageUnavailableException(StorageFault fault) {
    super("write refused: " + fault.describe());
    this.fault = fault;
  }

  /** Why. */
  public StorageFault fault() {
    return fault;
  }
}
