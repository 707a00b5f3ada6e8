package io.bdt.gateway.access;

import io.bdt.gateway.device.DeviceRecord;
import java.util.Collection;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * How a gateway keeps its broker's device identity current: after every (re)connect it sends its
 * whole state, then each provisioned and revoked device as it happens. One implementation per
 * broker kind ({@code bdt.gateway.mqtt.access}).
 */
public interface BrokerAccess extends AutoCloseable {

  /**
   * Readies the broker for the gateway's own connection, before it connects (Mosquitto: creates the
   * gateway's client and role); nothing for brokers that know the gateway already.
   */
  default void prepare() throws MqttException {}

  /** Sends the gateway's whole state (profiles and devices) after a (re)connect. */
  void sync(MqttAsyncClient mqtt, Collection<DeviceRecord> devices) throws MqttException;

  /**
   * Lets a newly provisioned device in; returns only once the broker has it, so the reply that
   * hands the device its secret cannot overtake it.
   *
   * @param deviceSecret the secret in clear (only brokers that hash it themselves need it)
   */
  void grant(MqttAsyncClient mqtt, DeviceRecord device, String deviceSecret) throws MqttException;

  /** Disconnects a revoked device and refuses it from now on. */
  void revoke(MqttAsyncClient mqtt, String deviceId) throws MqttException;

  /** Releases what {@link #prepare} opened. */
  @Override
  default void close() {}

  /** The broker enforces nothing ({@code access=none}): every call is a no-op. */
  BrokerAccess NONE =
      new BrokerAccess() {
        @Override
        public void sync(MqttAsyncClient mqtt, Collection<DeviceRecord> devices) {}

        @Override
        public void grant(MqttAsyncClient mqtt, DeviceRecord device, String deviceSecret) {}

        @Override
        public void revoke(MqttAsyncClient mqtt, String deviceId) {}
      };
}
