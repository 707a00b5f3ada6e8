package io.bdt.gateway.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.gateway.storage.SmallDisk;
import io.bdt.gateway.storage.StorageUnavailableException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone device ledger on a disk that fails while a device is provisioned or revoked: a
 * real full tmpfs (ENOSPC from the kernel) and a fake fsync error (no file system here fails one on
 * demand). A provisioning is acknowledged (credentials handed out) only once the ledger file holds
 * it, a failure is refused with a reason naming the disk and counted, and the ledger takes changes
 * again once the disk does.
 */
class FileDeviceLedgerFaultTest {

  private static final String SECRET = "profile-secret";

  @TempDir Path dir;

  private static Provisioner provisioner(DeviceLedger ledger) {
    return new Provisioner(
        List.of(new DeviceProfile("sensor", "sensor-key", Provisioner.sha256Hex(SECRET))),
        ledger,
        "gw",
        new SecureRandom(),
        Clock.systemUTC());
  }

  private static ProvisioningOutcome provision(Provisioner p, String deviceId) {
    return p.provision(
        new ObjectMapper()
            .createObjectNode()
            .put("provisioningKey", "sensor-key")
            .put("provisioningSecret", SECRET)
            .put("deviceId", deviceId));
  }

  /** An fsync that fails with EIO while {@code failing} is set. */
  private record FakeFsyncError(AtomicBoolean failing) implements FileDeviceLedger.Fsync {
    @Override
    public void force(FileChannel channel) throws IOException {
      if (failing.get()) {
        throw new IOException("Input/output error (fake fsync EIO of the test)");
      }
      channel.force(true);
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aFullDiskRefusesAProvisioningWithItsReasonAndLosesNoAcknowledgedDevice() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 1)) {
      Path file = disk.dir().resolve("devices.json");
      FileDeviceLedger ledger = new FileDeviceLedger(file);
      Provisioner provisioner = provisioner(ledger);
      var first = (ProvisioningOutcome.Provisioned) provision(provisioner, "d1");
      disk.fill();

      ProvisioningOutcome refused = provision(provisioner, "d2");
      assertThat(refused).isInstanceOf(ProvisioningOutcome.Refused.class);
      var r = (ProvisioningOutcome.Refused) refused;
      assertThat(r.reason()).isEqualTo(ProvisioningOutcome.Reason.STORAGE_UNAVAILABLE);
      assertThat(r.detail()).contains("No space left on device").contains("try again");
      assertThat(ledger.find("d2")).as("a device the file does not hold").isEmpty();
      assertThat(ledger.fault()).isPresent();
      assertThat(ledger.diskFailures()).isEqualTo(1);
      assertThat(new FileDeviceLedger(file).all())
          .extracting(DeviceRecord::deviceId)
          .containsExactly("d1");

      disk.free();
      var second = (ProvisioningOutcome.Provisioned) provision(provisioner, "d2");
      assertThat(ledger.fault()).isEmpty();
      FileDeviceLedger reopened = new FileDeviceLedger(file);
      assertThat(
              SecretHash.matches(
                  first.deviceSecret(), reopened.find("d1").orElseThrow().credentialHash()))
          .isTrue();
      assertThat(
              SecretHash.matches(
                  second.deviceSecret(), reopened.find("d2").orElseThrow().credentialHash()))
          .isTrue();
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aFullDiskDuringARevocationKeepsTheDeviceRefusedAndReportsTheRevocationNotDurable()
      throws Exception {
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 1)) {
      Path file = disk.dir().resolve("devices.json");
      FileDeviceLedger ledger = new FileDeviceLedger(file);
      provision(provisioner(ledger), "d1");
      disk.fill();

      assertThatThrownBy(() -> ledger.revoke("d1"))
          .isInstanceOf(StorageUnavailableException.class)
          .hasMessageContaining("devices")
          .hasMessageContaining("No space left on device");
      assertThat(ledger.find("d1").orElseThrow().revoked()).as("refused from now on").isTrue();
      assertThat(new FileDeviceLedger(file).find("d1").orElseThrow().revoked())
          .as("not on disk: the caller was told")
          .isFalse();

      disk.free();
      assertThat(ledger.revoke("d1")).isTrue();
      assertThat(new FileDeviceLedger(file).find("d1").orElseThrow().revoked()).isTrue();
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aFailedFsyncRefusesTheProvisioningAndKeepsTheOldFile() throws Exception {
    AtomicBoolean failing = new AtomicBoolean();
    Path file = dir.resolve("devices.json");
    FileDeviceLedger ledger =
        new FileDeviceLedger(file, new FakeFsyncError(failing), Clock.systemUTC());
    Provisioner provisioner = provisioner(ledger);
    provision(provisioner, "d1");
    failing.set(true);

    var refused = (ProvisioningOutcome.Refused) provision(provisioner, "d2");
    assertThat(refused.reason()).isEqualTo(ProvisioningOutcome.Reason.STORAGE_UNAVAILABLE);
    assertThat(refused.detail()).contains("fsync").contains("Input/output error");
    assertThat(ledger.find("d2")).isEmpty();
    assertThat(ledger.fault().orElseThrow().operation()).isEqualTo("fsync");
    assertThat(new FileDeviceLedger(file).all())
        .extracting(DeviceRecord::deviceId)
        .containsExactly("d1");

    failing.set(false);
    assertThat(provision(provisioner, "d2")).isInstanceOf(ProvisioningOutcome.Provisioned.class);
    assertThat(new FileDeviceLedger(file).all())
        .extracting(DeviceRecord::deviceId)
        .containsExactlyInAnyOrder("d1", "d2");
  }
}
