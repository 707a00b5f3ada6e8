package io.bdt.gateway.mqtt;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A Paho v5 callback for a client that only handles the messages that arrive: every other event
 * (disconnect, error, delivery, connect, AUTH) does nothing unless an implementation overrides it.
 * Being an interface, a record or a lambda can be one.
 */
@FunctionalInterface
public interface MessageCallback extends MqttCallback {

  @Override
  void messageArrived(String topic, MqttMessage message) throws Exception;

  @Override
  default void disconnected(MqttDisconnectResponse response) {}

  @Override
  default void mqttErrorOccurred(MqttException exception) {}

  @Override
  default void deliveryComplete(IMqttToken token) {}

  @Override
  default void connectComplete(boolean reconnect, String serverURI) {}

  @Override
  default void authPacketArrived(int reasonCode, MqttProperties properties) {}
}
