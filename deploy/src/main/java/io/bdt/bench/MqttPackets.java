package io.bdt.bench;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The three MQTT 3.1.1 packets the {@link FleetPublisher} sends (OASIS MQTT 3.1.1, sections 3.1 and
 * 3.3): CONNECT with a username and password and clean session off (a persistent session), and
 * PUBLISH at QoS 1. Pure: builds bytes only.
 */
final class MqttPackets {
  private MqttPackets() {}

  /**
   * CONNECT, protocol level 4, clean session off, keep-alive 0 (a benchmark run needs no pings).
   */
  static ByteBuffer connect(String clientId, String username, String password) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    string(body, "MQTT");
    body.write(4); // protocol level: 3.1.1
    body.write(0x80 | 0x40); // username, password; clean session off
    body.write(0);
    body.write(0); // keep-alive 0 s
    string(body, clientId);
    string(body, username);
    string(body, password);
    return packet(0x10, body.toByteArray());
  }

  /** PUBLISH at QoS 1 (not retained, not a duplicate) with packet identifier {@code id}. */
  static ByteBuffer publishQos1(byte[] topic, int id, byte[] payload) {
    ByteArrayOutputStream body = new ByteArrayOutputStream(topic.length + payload.length + 4);
    body.write(topic.length >> 8);
    body.write(topic.length & 0xFF);
    body.write(topic, 0, topic.length);
    body.write(id >> 8);
    body.write(id & 0xFF);
    body.write(payload, 0, payload.length);
    return packet(0x32, body.toByteArray());
  }

  private static void string(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >> 8);
    out.write(b.length & 0xFF);
    out.write(b, 0, b.length);
  }

  /** Fixed header (type and flags, remaining length as MQTT's variable-length integer) + body. */
  private static ByteBuffer packet(int header, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(body.length + 5);
    b.put((byte) header);
    int length = body.length;
    do {
      int digit = length % 128;
      length /= 128;
      b.put((byte) (length > 0 ? digit | 0x80 : digit));
    } while (length > 0);
    b.put(body);
    return b.flip();
  }
}
