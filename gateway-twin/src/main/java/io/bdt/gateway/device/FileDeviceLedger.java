package io.bdt.gateway.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Standalone-mode device ledger (no chain): the registry as one JSON file, rewritten atomically
 * (write temp, fsync, rename) on every change, so a crash leaves the old or the new file.
 */
public final class FileDeviceLedger implements DeviceLedger {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, DeviceRecord> devices = new ConcurrentHashMap<>();

  /** Opens (or creates) the ledger file {@code file}. */
  public FileDeviceLedger(Path file) throws IOException {
    this.file = file;
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
    if (devices.containsKey(device.deviceId())) {
      throw new IllegalStateException("device " + device.deviceId() + " is already registered");
    }
    devices.put(device.deviceId(), device);
    persist();
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

  private void persist() {
    ObjectNode root = JSON.createObjectNode();
    var array = root.putArray("devices");
    devices.values().stream()
        .sorted(java.util.Comparator.comparing(DeviceRecord::deviceId))
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
    try (var channel =
        java.nio.channels.FileChannel.open(
            tmp,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
            java.nio.file.StandardOpenOption.WRITE)) {
      channel.write(
          java.nio.ByteBuffer.wrap(
              JSON.writerWithDefaultPrettyPrinter()
                  .writeValueAsString(root)
                  .getBytes(StandardCharsets.UTF_8)));
      channel.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the device ledger " + tmp, e);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("replacing the device ledger " + file, e);
    }
  }
}
