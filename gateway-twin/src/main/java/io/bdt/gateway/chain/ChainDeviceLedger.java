package io.bdt.gateway.chain;

import io.bdt.contracts.generated.DeviceRegistry;
import io.bdt.gateway.device.DeviceLedger;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.FileDeviceLedger;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.web3j.crypto.Hash;

/**
 * The device ledger on chain: every registration and revocation is first written to the local
 * {@link FileDeviceLedger}, then queued in the durable {@link ChainOutbox} for DeviceRegistry
 * ({@code registerDevice(keccak256(deviceId), credentialHash, profileId)}, {@code revokeDevice}).
 * Lookups answer from the local record and refresh the device's on-chain status in the background
 * (at most once per {@code statusTtl} per device), so a device revoked on chain is refused here
 * too; while the chain does not answer, the local record decides.
 */
public final class ChainDeviceLedger implements DeviceLedger {

  private static final Logger LOG = Logger.getLogger(ChainDeviceLedger.class);

  /** DeviceRegistry's {@code Status.Revoked}. */
  private static final BigInteger REVOKED = BigInteger.TWO;

  private final FileDeviceLedger journal;
  private final DeviceRegistry registry;
  private final ChainOutbox outbox;
  private final Clock clock;
  private final Duration statusTtl;
  private final Map<String, Instant> checkedAt = new ConcurrentHashMap<>();

  public ChainDeviceLedger(
      FileDeviceLedger journal,
      DeviceRegistry registry,
      ChainOutbox outbox,
      Clock clock,
      Duration statusTtl) {
    this.journal = journal;
    this.registry = registry;
    this.outbox = outbox;
    this.clock = clock;
    this.statusTtl = statusTtl;
  }

  /** The bytes32 id of {@code deviceId} in DeviceRegistry: keccak256 of its UTF-8. */
  public static byte[] chainDeviceId(String deviceId) {
    return Hash.sha3(deviceId.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void register(DeviceRecord device) {
    journal.register(device);
    outbox.submit(ChainWrite.Register.of(device));
  }

  @Override
  public boolean revoke(String deviceId) {
    if (!journal.revoke(deviceId)) {
      return false;
    }
    outbox.submit(ChainWrite.Revoke.of(journal.find(deviceId).orElseThrow()));
    return true;
  }

  /**
   * The local record, now. When the device's on-chain status is older than {@code statusTtl}, it is
   * read again in the background and a revocation found there is recorded locally, refusing the
   * device's next message. Never waits for the chain: this runs on the ingest path, where a node
   * whose host went down would otherwise hold every device's telemetry until the read timed out.
   */
  @Override
  public Optional<DeviceRecord> find(String deviceId) {
    Optional<DeviceRecord> local = journal.find(deviceId);
    if (local.isEmpty() || local.get().revoked()) {
      return local;
    }
    Instant now = clock.instant();
    Instant last = checkedAt.get(deviceId);
    if (last != null && now.isBefore(last.plus(statusTtl))) {
      return local;
    }
    checkedAt.put(deviceId, now);
    registry
        .device(chainDeviceId(deviceId))
        .sendAsync()
        .whenComplete(
            (device, e) -> {
              if (e != null) {
                LOG.debugf(
                    "DeviceRegistry status of %s unavailable (%s); the local record decides",
                    deviceId, e);
              } else if (REVOKED.equals(device.status)) {
                journal.revoke(deviceId);
              }
            });
    return local;
  }

  /** The local ledger underneath (the records reconciliation compares with the chain). */
  public FileDeviceLedger journal() {
    return journal;
  }

  @Override
  public Collection<DeviceRecord> all() {
    return journal.all();
  }
}
