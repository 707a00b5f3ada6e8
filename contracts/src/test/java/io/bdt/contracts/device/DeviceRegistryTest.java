package io.bdt.contracts.device;

import static io.bdt.contracts.LiveChain.ADMIN_1;
import static io.bdt.contracts.LiveChain.AP_2;
import static io.bdt.contracts.LiveChain.GATEWAY_1;
import static io.bdt.contracts.LiveChain.GATEWAY_2;
import static io.bdt.contracts.LiveChain.OUTSIDER;
import static io.bdt.contracts.LiveChain.REGISTRY_ADMIN;
import static io.bdt.contracts.Reverts.assertReverts;
import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.contracts.GasReport;
import io.bdt.contracts.LiveChain;
import io.bdt.contracts.generated.DeviceRegistry;
import io.bdt.contracts.generated.ReputationLedger;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * DeviceRegistry on the live node: register, rotate, revoke, who may do each, and events. Only the
 * owning gateway registers and rotates; any registered gateway or the registry's admin revokes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceRegistryTest {
  static final String REGISTRY = "DeviceRegistry";
  static final BigInteger ACTIVE = BigInteger.ONE;
  static final BigInteger REVOKED = BigInteger.TWO;
  LiveChain chain;
  DeviceRegistry registry;
  int next;

  @BeforeAll
  void deploy() throws Exception {
    chain = LiveChain.get();
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_1);
    registry = chain.deployDeviceRegistry(ledger);
  }

  byte[] newDeviceId() {
    return Hash.sha3(("device-" + next++).getBytes(StandardCharsets.UTF_8));
  }

  static byte[] credential(String key) {
    return Hash.sha3(key.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void fullLifecycleRegisterRotateRevoke() throws Exception {
    byte[] id = newDeviceId();
    TransactionReceipt reg =
        GasReport.record(
            REGISTRY,
            "registerDevice",
            chain
                .as(GATEWAY_1, registry)
                .registerDevice(id, credential("pk-1"), "vibration-sensor-v2")
                .send());
    assertThat(DeviceRegistry.getDeviceRegisteredEvents(reg))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.deviceId).isEqualTo(id);
              assertThat(e.gateway).isEqualToIgnoringCase(GATEWAY_1.getAddress());
              assertThat(e.model).isEqualTo("vibration-sensor-v2");
            });
    DeviceRegistry.Device d = registry.device(id).send();
    assertThat(d.gateway).isEqualToIgnoringCase(GATEWAY_1.getAddress());
    assertThat(d.status).isEqualTo(ACTIVE);
    assertThat(d.credentialHash).isEqualTo(credential("pk-1"));
    assertThat(registry.isCredentialValid(id, credential("pk-1")).send()).isTrue();

    TransactionReceipt rot =
        GasReport.record(
            REGISTRY,
            "rotateCredential",
            chain.as(GATEWAY_1, registry).rotateCredential(id, credential("pk-2")).send());
    assertThat(DeviceRegistry.getCredentialRotatedEvents(rot))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.oldCredentialHash).isEqualTo(credential("pk-1"));
              assertThat(e.newCredentialHash).isEqualTo(credential("pk-2"));
            });
    assertThat(registry.isCredentialValid(id, credential("pk-1")).send()).isFalse();
    assertThat(registry.isCredentialValid(id, credential("pk-2")).send()).isTrue();
    assertThat(registry.device(id).send().rotations).isEqualTo(BigInteger.ONE);

    TransactionReceipt rev =
        GasReport.record(
            REGISTRY, "revokeDevice", chain.as(GATEWAY_1, registry).revokeDevice(id).send());
    assertThat(DeviceRegistry.getDeviceRevokedEvents(rev)).hasSize(1);
    assertThat(registry.device(id).send().status).isEqualTo(REVOKED);
    assertThat(registry.isCredentialValid(id, credential("pk-2")).send()).isFalse();
    assertReverts(
        "device revoked",
        () -> chain.as(GATEWAY_1, registry).rotateCredential(id, credential("pk-3")).send());
  }

  @Test
  void nonGatewayCannotRegisterDevice() {
    byte[] id = newDeviceId();
    assertReverts(
        "caller is not a registered gateway",
        () -> chain.as(OUTSIDER, registry).registerDevice(id, credential("k"), "m").send());
    assertReverts(
        "caller is not a registered gateway",
        () -> chain.as(AP_2, registry).registerDevice(id, credential("k"), "m").send());
  }

  @Test
  void deviceIdCannotBeRegisteredTwice() throws Exception {
    byte[] id = newDeviceId();
    chain.as(GATEWAY_1, registry).registerDevice(id, credential("k"), "m").send();
    assertReverts(
        "device already registered",
        () -> chain.as(GATEWAY_2, registry).registerDevice(id, credential("k2"), "m").send());
  }

  @Test
  void onlyTheOwningGatewayRotates() throws Exception {
    byte[] id = newDeviceId();
    chain.as(GATEWAY_1, registry).registerDevice(id, credential("k"), "m").send();
    assertReverts(
        "caller is not the device's gateway",
        () -> chain.as(GATEWAY_2, registry).rotateCredential(id, credential("k2")).send());
    assertThat(registry.device(id).send().credentialHash).isEqualTo(credential("k"));
  }

  @Test
  void anotherRegisteredGatewayRevokesADeviceAndTheEventNamesOwnerAndRevoker() throws Exception {
    byte[] id = newDeviceId();
    chain.as(GATEWAY_1, registry).registerDevice(id, credential("k"), "m").send();

    TransactionReceipt rev = chain.as(GATEWAY_2, registry).revokeDevice(id).send();

    assertThat(DeviceRegistry.getDeviceRevokedEvents(rev))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.deviceId).isEqualTo(id);
              assertThat(e.gateway).isEqualToIgnoringCase(GATEWAY_1.getAddress());
              assertThat(e.revokedBy).isEqualToIgnoringCase(GATEWAY_2.getAddress());
            });
    DeviceRegistry.Device d = registry.device(id).send();
    assertThat(d.status).isEqualTo(REVOKED);
    assertThat(d.gateway)
        .as("the owner stays on record")
        .isEqualToIgnoringCase(GATEWAY_1.getAddress());
    assertThat(registry.isCredentialValid(id, credential("k")).send()).isFalse();
    assertReverts(
        "device revoked",
        () -> chain.as(GATEWAY_1, registry).rotateCredential(id, credential("k2")).send());
  }

  @Test
  void theRegistrysAdminRevokesADevice() throws Exception {
    byte[] id = newDeviceId();
    chain.as(GATEWAY_1, registry).registerDevice(id, credential("k"), "m").send();
    assertThat(registry.admin().send()).isEqualToIgnoringCase(REGISTRY_ADMIN.getAddress());

    TransactionReceipt rev = chain.as(REGISTRY_ADMIN, registry).revokeDevice(id).send();

    assertThat(DeviceRegistry.getDeviceRevokedEvents(rev))
        .singleElement()
        .satisfies(e -> assertThat(e.revokedBy).isEqualToIgnoringCase(REGISTRY_ADMIN.getAddress()));
    assertThat(registry.device(id).send().status).isEqualTo(REVOKED);
  }

  @Test
  void aKeyThatIsNeitherGatewayNorAdminCannotRevoke() throws Exception {
    byte[] id = newDeviceId();
    chain.as(GATEWAY_1, registry).registerDevice(id, credential("k"), "m").send();
    assertReverts(
        "caller is neither a registered gateway nor the registry's admin",
        () -> chain.as(AP_2, registry).revokeDevice(id).send());
    assertReverts(
        "caller is neither a registered gateway nor the registry's admin",
        () -> chain.as(ADMIN_1, registry).revokeDevice(id).send());
    assertThat(registry.device(id).send().status).isEqualTo(ACTIVE);
  }

  @Test
  void aRevokedOrUnknownDeviceCannotBeRevoked() throws Exception {
    byte[] id = newDeviceId();
    chain.as(GATEWAY_1, registry).registerDevice(id, credential("k"), "m").send();
    chain.as(GATEWAY_1, registry).revokeDevice(id).send();
    assertReverts("device revoked", () -> chain.as(GATEWAY_2, registry).revokeDevice(id).send());
    assertReverts(
        "device not registered",
        () -> chain.as(GATEWAY_2, registry).revokeDevice(newDeviceId()).send());
  }

  @Test
  void unknownDeviceCannotBeRotated() {
    byte[] id = newDeviceId();
    assertReverts(
        "device not registered",
        () -> chain.as(GATEWAY_1, registry).rotateCredential(id, credential("k")).send());
  }
}
