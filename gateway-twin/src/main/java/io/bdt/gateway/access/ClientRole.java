package io.bdt.gateway.access;

import java.util.Objects;

/** Who an authenticated MQTT client is, which decides the topics it may use. */
public sealed interface ClientRole {

  /** A provisioned device {@code deviceId} hosted by gateway {@code gatewayId}. */
  record Device(String deviceId, String gatewayId) implements ClientRole {
    public Device {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(gatewayId, "gatewayId");
    }
  }

  /** Gateway {@code gatewayId} (service credentials). */
  record Gateway(String gatewayId) implements ClientRole {
    public Gateway {
      Objects.requireNonNull(gatewayId, "gatewayId");
    }
  }

  /**
   * A client holding a device profile's provisioning key and secret, before it has device
   * credentials; its provisioning request and reply topics end in its own MQTT client id.
   */
  record Provisioning(String profileKey, String clientId) implements ClientRole {
    public Provisioning {
      Objects.requireNonNull(profileKey, "profileKey");
      Objects.requireNonNull(clientId, "clientId");
    }
  }
}
