package io.bdt.gateway.device;

import java.util.Collection;
import java.util.Optional;

/**
 * Where the gateway records the devices it provisions (the DeviceRegistry contract on chain, or
 * {@link FileDeviceLedger} when the gateway runs standalone).
 */
public interface DeviceLedger {

  /** Records a new device; throws {@link IllegalStateException} if the id is taken. */
  void register(DeviceRecord device);

  /** Marks the device revoked; returns false if there is no such device. */
  boolean revoke(String deviceId);

  /** The device, if known. */
  Optional<DeviceRecord> find(String deviceId);

  /** Every known device. */
  Collection<DeviceRecord> all();
}
