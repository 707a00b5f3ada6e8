package io.bdt.gateway.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.storage.StorageFault;
import io.bdt.gateway.storage.StorageUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Standalone-mode device ledger (no chain): the registry as one JSON file, rewritten atomically
 * (write temp, fsync, rename) on every change, so a crash leaves the old or the new file.
 *
 * <p>A change is acknowledged (returns) only once the file holding it is on disk. When the write,
 * the fsync or the rename fails (a full disk, an I/O error), the change throws {@link
 * StorageUnavailableException} naming the cause, the failure is counted ({@link #diskFailures()})
 * and the ledger is in a {@linkplain #fault() fault} until a later change is written: a new device
 * is taken back out (no secret is handed out for a device the ledger may forget), while a
 * revocation stays in force in memory (refusing the device now is the safe direction) and reaches
 * the disk with the next change that is written, or when it is asked again.
 */
public final class FileDeviceLedger implements DeviceLedger {

  private static final Logger LOG = Logger.getLogger(FileDeviceLedger.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the temp file is forced to disk (tests fail it: no file system here fails on demand). */
  interface Fsync {
    void force(FileChannel channel) throws IOException;
  }

  private final Path file;
  private final Fsync fsync;
  private final Clock clock;
  private final Map<String, DeviceRecord> devices = new ConcurrentHashMap<>();
  private long diskFailures; // guarded by this
  private volatile StorageFault fault;

  /** Opens (or creates) the ledger file {@code file}. */
  public FileDeviceLedger(Path file) throws IOException {
    this(file, channel -> channel.force(true), Clock.systemUTC());
  }

  FileDeviceLedger(Path file, Fsync fsync, Clock clock) throws IOException {
    this.file = file;
    this.fsync = fsync;
    this.clock = clock;
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (Files.exists(file)) {
      for (JsonNode d : JSON.readTree(file.toFile()).path("devices")) {
        DeviceRecord record =
            new DeviceRecord(
                d.get("deviceId").asText(),
                d.get("profileId").asText(),
                d.get("credentialHash").asText(),
                d.get("revoked").asBoolean(),
                Instant.parse(d.get("registeredAt").asText()));
        devices.put(record.deviceId(), record);
      }
    }
  }

  @Override
  public synchronized void register(DeviceRecord device) {
    registerAll(List.of(device));
  }

  /**
   * Records new devices with one rewrite of the file (a fleet registered at once); all or none:
   * throws {@link IllegalStateException} if an id is taken, {@link StorageUnavailableException} if
   * the file cannot be written.
   */
  public synchronized void registerAll(Collection<DeviceRecord> added) {
    for (DeviceRecord d : added) {
      if (devices.containsKey(d.deviceId())) {
        throw new IllegalStateException("device " + d.deviceId() + " is already registered");
      }
    }
    added.forEach(d -> devices.put(d.deviceId(), d));
    try {
      persist();
    } catch (StorageUnavailableException e) {
      added.forEach(d -> devices.remove(d.deviceId()));
      throw e;
    }
  }

  @Override
  public synchronized boolean revoke(String deviceId) {
    DeviceRecord device = devices.get(deviceId);
    if (device == null) {
      return false;
    }
    devices.put(deviceId, device.revoke());
    persist();
    return true;
  }

  @Override
  public Optional<DeviceRecord> find(String deviceId) {
    return Optional.ofNullable(devices.get(deviceId));
  }

  @Override
  public Collection<DeviceRecord> all() {
    return List.copyOf(devices.values());
  }

  /** Why changes are not durable now, if they are not: the last write of the file failed. */
  public Optional<StorageFault> fault() {
    return Optional.ofNullable(fault);
  }

  /** Failed writes of the file since open. */
  public synchronized long diskFailures() {
    return diskFailures;
  }

  /** Writes every device to the file; caller holds the lock. */
  private void persist() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode array = root.putArray("devices");
    devices.values().stream()
        .sorted(Comparator.comparing(DeviceRecord::deviceId))
        .forEach(
            d ->
                array
                    .addObject()
                    .put("deviceId", d.deviceId())
                    .put("profileId", d.profileId())
                    .put("credentialHash", d.credentialHash())
                    .put("revoked", d.revoked())
                    .put("registeredAt", d.registeredAt().toString()));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    String operation = "write";
    try {
      try (FileChannel channel =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer bytes =
            ByteBuffer.wrap(
                JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(root)
                    .getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        operation = "fsync";
        fsync.force(channel);
      }
      operation = "rename";
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      diskFailures++;
      fault = StorageFault.of("devices", operation, e, clock.instant(), false);
      try {
        Files.deleteIfExists(tmp); // its room is what a full disk needs back
      } catch (IOException ignored) {
        // the next write truncates it anyway
      }
      LOG.errorf("device ledger %s: %s", file, fault.describe());
      throw new StorageUnavailableException(fault);
    }
    if (fault != null) {
      LOG.warnf("device ledger %s is written again after %s", file, fault.describe());
      fault = null;
    }
  }
}
