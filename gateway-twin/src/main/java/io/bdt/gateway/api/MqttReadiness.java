package io.bdt.gateway.api;

import io.bdt.gateway.mqtt.MqttGateway;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the gateway is connected to its MQTT broker (or MQTT is not configured). */
@Readiness
@ApplicationScoped
public class MqttReadiness implements HealthCheck {

  private final MqttGateway mqtt;

  public MqttReadiness(MqttGateway mqtt) {
    this.mqtt = mqtt;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("mqtt")
        .status(!mqtt.enabled() || mqtt.connected())
        .withData("enabled", mqtt.enabled())
        .build();
  }
}
