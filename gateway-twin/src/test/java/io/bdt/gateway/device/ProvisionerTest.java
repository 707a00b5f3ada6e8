package io.bdt.gateway.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.gateway.device.ProvisioningOutcome.Reason;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvisionerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private FileDeviceLedger ledger;
  private Provisioner provisioner;

  @BeforeEach
  void setUp() throws IOException {
    ledger = new FileDeviceLedger(dir.resolve("devices.json"));
    provisioner =
        new Provisioner(
            List.of(new DeviceProfile("vib", "vib-key", Provisioner.sha256Hex("s3cret"))),
            ledger,
            "gw7",
            new SecureRandom(),
            Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC));
  }

  private ProvisioningOutcome request(String json) throws IOException {
    return provisioner.provision(JSON.readTree(json));
  }

  @Test
  void provisionsADeviceAndStoresOnlyTheHashOfItsSecret() throws IOException {
    var outcome =
        (ProvisioningOutcome.Provisioned)
            request(
                "{\"provisioningKey\":\"vib-key\",\"provisioningSecret\":\"s3cret\",\"deviceId\":\"pump-1\"}");
    assertThat(outcome.deviceId()).isEqualTo("pump-1");
    assertThat(outcome.deviceSecret()).hasSize(64);
    assertThat(outcome.telemetryTopic()).isEqualTo("bdt/gw7/devices/pump-1/telemetry");
    DeviceRecord stored = ledger.find("pump-1").orElseThrow();
    assertThat(SecretHash.matches(outcome.deviceSecret(), stored.credentialHash())).isTrue();
    assertThat(stored.credentialHash()).startsWith("pbkdf2-sha256$");
    assertThat(stored.credentialHash()).isNotEqualTo(outcome.deviceSecret());
  }

  @Test
  void issuesADeviceIdWhenNoneIsRequested() throws IOException {
    var outcome =
        (ProvisioningOutcome.Provisioned)
            request("{\"provisioningKey\":\"vib-key\",\"provisioningSecret\":\"s3cret\"}");
    assertThat(outcome.deviceId()).matches("vib-[0-9a-f]{16}");
  }

  @Test
  void refusesAnUnknownProfile() throws IOException {
    assertThat(request("{\"provisioningKey\":\"other\",\"provisioningSecret\":\"s3cret\"}"))
        .isEqualTo(
            new ProvisioningOutcome.Refused(
                Reason.UNKNOWN_PROFILE, "no device profile has provisioningKey other"));
  }

  @Test
  void refusesAWrongSecretAndRegistersNothing() throws IOException {
    var outcome =
        (ProvisioningOutcome.Refused)
            request(
                "{\"provisioningKey\":\"vib-key\",\"provisioningSecret\":\"guess\",\"deviceId\":\"x\"}");
    assertThat(outcome.reason()).isEqualTo(Reason.WRONG_SECRET);
    assertThat(ledger.find("x")).isEmpty();
  }

  @Test
  void refusesARevokedDevice() throws IOException {
    request(
        "{\"provisioningKey\":\"vib-key\",\"provisioningSecret\":\"s3cret\",\"deviceId\":\"d\"}");
    ledger.revoke("d");
    var outcome =
        (ProvisioningOutcome.Refused)
            request(
                "{\"provisioningKey\":\"vib-key\",\"provisioningSecret\":\"s3cret\",\"deviceId\":\"d\"}");
    assertThat(outcome.reason()).isEqualTo(Reason.REVOKED_DEVICE);
  }

  @Test
  void refusesMalformedRequests() throws IOException {
    assertThat(((ProvisioningOutcome.Refused) provisioner.provision(null)).reason())
        .isEqualTo(Reason.MALFORMED_REQUEST);
    assertThat(((ProvisioningOutcome.Refused) request("{\"provisioningKey\":1}")).reason())
        .isEqualTo(Reason.MALFORMED_REQUEST);
    assertThat(
            ((ProvisioningOutcome.Refused)
                    request(
                        "{\"provisioningKey\":\"vib-key\",\"provisioningSecret\":\"s3cret\",\"deviceId\":\"a/b\"}"))
                .reason())
        .isEqualTo(Reason.MALFORMED_REQUEST);
  }

  @Test
  void theLedgerSurvivesARestartWithRevocations() throws IOException {
    request(
        "{\"provisioningKey\":\"vib-key\",\"provisioningSecret\":\"s3cret\",\"deviceId\":\"d1\"}");
    request(
        "{\"provisioningKey\":\"vib-key\",\"provisioningSecret\":\"s3cret\",\"deviceId\":\"d2\"}");
    ledger.revoke("d2");
    FileDeviceLedger reopened = new FileDeviceLedger(dir.resolve("devices.json"));
    assertThat(reopened.find("d1").orElseThrow().revoked()).isFalse();
    assertThat(reopened.find("d2").orElseThrow().revoked()).isTrue();
  }
}
