package io.bdt.gateway.mqtt;

import java.time.Duration;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * Paho's automatic reconnect with a bounded back-off. Paho MQTT v5 1.2.5 ignores {@code
 * setAutomaticReconnectDelay(min, max)} (stored, never read): its reconnect waits 1 s, doubling
 * while below {@code maxReconnectDelay} (milliseconds, default 128,000), and that wait is one
 * static field shared by every client of the JVM, so four clients failing together reach two
 * minutes within a few attempts. Both settings are set here, so the bound holds whichever one a
 * Paho version reads.
 */
public final class PahoReconnect {

  private PahoReconnect() {}

  /** Turns automatic reconnect on with waits of 1 s doubling up to {@code max} (at least 1 s). */
  public static void upTo(MqttConnectionOptions options, Duration max) {
    long millis = Math.max(1_000, max.toMillis());
    options.setAutomaticReconnect(true);
    options.setAutomaticReconnectDelay(1, (int) Math.max(1, millis / 1_000));
    options.setMaxReconnectDelay((int) Math.min(Integer.MAX_VALUE, millis));
  }
}
