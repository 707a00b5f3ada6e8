package io.bdt.gateway.access;

import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.SecretHash;
import java.util.Collection;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.jboss.logging.Logger;

/**
 * {@link BrokerAccess} for the embedded HiveMQ CE broker with the B-DT extension ({@code
 * io.bdt.gateway.access.hivemq.BrokerAccessExtension}): {@link AccessCommand}s published QoS 1 on
 * {@link TopicPolicy#accessTopic}, each awaited (the broker applies it before its PUBACK).
 */
public final class ExtensionAccess implements BrokerAccess {

  private static final Logger LOG = Logger.getLogger(ExtensionAccess.class);
  private static final long WAIT_MILLIS = 10_000;

  private final String topic;
  private final Map<String, String> profileHashes;

  /**
   * @param profileHashes salted hash of each provisioning profile's secret, by profile key
   */
  public ExtensionAccess(String gatewayId, Map<String, String> profileHashes) {
    this.topic = TopicPolicy.accessTopic(gatewayId);
    this.profileHashes = Map.copyOf(profileHashes);
  }

  @Override
  public void sync(MqttAsyncClient mqtt, Collection<DeviceRecord> devices) throws MqttException {
    var salted = devices.stream().filter(d -> SecretHash.isEncoded(d.credentialHash())).toList();
    if (salted.size() < devices.size()) {
      LOG.warnf(
          "%d device(s) have an unsalted credential hash from an older version and cannot"
              + " connect: revoke and provision them again",
          devices.size() - salted.size());
    }
    send(mqtt, new AccessCommand.Sync(profileHashes, salted));
  }

  @Override
  public void grant(MqttAsyncClient mqtt, DeviceRecord device, String deviceSecret)
      throws MqttException {
    send(mqtt, new AccessCommand.Grant(device.deviceId(), device.credentialHash()));
  }

  @Override
  public void revoke(MqttAsyncClient mqtt, String deviceId) throws MqttException {
    send(mqtt, new AccessCommand.Revoke(deviceId));
  }

  private void send(MqttAsyncClient mqtt, AccessCommand command) throws MqttException {
    mqtt.publish(topic, AccessCommand.encode(command), 1, false).waitForCompletion(WAIT_MILLIS);
  }
}
