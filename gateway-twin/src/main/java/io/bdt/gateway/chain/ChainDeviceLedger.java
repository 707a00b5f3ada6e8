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
 * Lookups read through to the chain for the status (at most once per {@code statusTtl} per device),
 * so a device revoked on chain is refused here too; when the chain does not answer, the local
 * record decides.
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
    try {
      BigInteger status = registry.device(chainDeviceId(deviceId)).send().status;
      if (REVOKED.equals(status)) {
        journal.revoke(deviceId);
        return journal.find(deviceId);
      }
    } catch (Exception e) {
      LOG.debugf(
          "DeviceRegistry status of %s unavailable (%s); the local record decides", deviceId, e);
    }
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
