package io.bdt.gateway.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.access.BrokerAccess;
import io.bdt.gateway.access.RequestId;
import io.bdt.gateway.device.DeviceLedger;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.Provisioner;
import io.bdt.gateway.device.ProvisioningOutcome;
import io.bdt.gateway.ingest.TelemetryIngest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.jboss.logging.Logger;

/**
 * Answers the provisioning requests that reach the gateway over MQTT, each on the reply topic of
 * its request id: a new device is let in at the broker before its reply (with the secret) is
 * published, and every answer is counted in {@code bdt_provisioning_requests_total{outcome,
 * reason}}.
 *
 * <p>A request id must end in a nonce ({@link RequestId}): the reply topic is then known only to
 * the requester and the gateways, which is what keeps a device secret private on a broker that
 * cannot confine a client to its own reply topic (Mosquitto). A request without one is refused with
 * {@code REQUEST_ID_WITHOUT_NONCE} before anything is registered.
 *
 * <p>Requests carry the gateway id in their topic, so only the addressed gateway answers and
 * registers the device. Requests on the former shared topic are refused with {@code
 * UNADDRESSED_REQUEST} on the former reply topic, so a device that still uses it learns why.
 */
final class ProvisioningReplies {

  private static final Logger LOG = Logger.getLogger(ProvisioningReplies.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The former shared request topic {@code bdt/provision/request/{requestId}}: refused. */
  static final String UNADDRESSED_REQUEST = "bdt/provision/request/";

  /** Replies to requests on {@link #UNADDRESSED_REQUEST}: {@code bdt/provision/reply/{id}}. */
  static final String UNADDRESSED_REPLY = "bdt/provision/reply/";

  /** Provisioning requests to gateway {@code gatewayId}: {@code + "{requestId}"}. */
  static String requestPrefix(String gatewayId) {
    return "bdt/" + gatewayId + "/provision/request/";
  }

  /** Provisioning replies of gateway {@code gatewayId}: {@code + "{requestId}"}. */
  static String replyPrefix(String gatewayId) {
    return "bdt/" + gatewayId + "/provision/reply/";
  }

  private final Provisioner provisioner;
  private final TelemetryIngest ingest;
  private final DeviceLedger ledger;
  private final BrokerAccess access;
  private final MeterRegistry meters;
  private final String requestPrefix;
  private final String replyPrefix;

  ProvisioningReplies(
      String gatewayId,
      Provisioner provisioner,
      TelemetryIngest ingest,
      DeviceLedger ledger,
      BrokerAccess access,
      MeterRegistry meters) {
    this.provisioner = provisioner;
    this.ingest = ingest;
    this.ledger = ledger;
    this.access = access;
    this.meters = meters;
    this.requestPrefix = requestPrefix(gatewayId);
    this.replyPrefix = replyPrefix(gatewayId);
  }

  /** Whether {@code topic} is a provisioning request this gateway answers (addressed or not). */
  boolean handles(String topic) {
    return topic.startsWith(requestPrefix) || topic.startsWith(UNADDRESSED_REQUEST);
  }

  /** Answers the request on {@code topic} (one {@link #handles} accepts). */
  void answer(MqttAsyncClient mqtt, String topic, byte[] payload) {
    if (topic.startsWith(UNADDRESSED_REQUEST)) {
      refuseUnaddressed(mqtt, topic.substring(UNADDRESSED_REQUEST.length()));
      return;
    }
    String requestId = topic.substring(requestPrefix.length());
    String replyTopic = replyPrefix + requestId;
    if (!RequestId.hasNonce(requestId)) {
      reply(
          mqtt,
          requestId,
          replyTopic,
          new ProvisioningOutcome.Refused(
              ProvisioningOutcome.Reason.REQUEST_ID_WITHOUT_NONCE,
              "a request id is the client id, '.' and a fresh nonce of at least 128 random bits"
                  + " (32 hex digits), e.g. "
                  + requestId
                  + ".9f86d081884c7d659a2feaa0c55ad015: the reply topic must be known only to the"
                  + " requester"));
      return;
    }
    JsonNode request;
    try {
      request = JSON.readTree(payload);
    } catch (IOException e) {
      request = null;
    }
    reply(mqtt, requestId, replyTopic, provisioner.provision(request));
  }

  private void refuseUnaddressed(MqttAsyncClient mqtt, String requestId) {
    reply(
        mqtt,
        requestId,
        UNADDRESSED_REPLY + requestId,
        new ProvisioningOutcome.Refused(
            ProvisioningOutcome.Reason.UNADDRESSED_REQUEST,
            "provisioning requests go to one gateway: publish on "
                + requestPrefix("{gatewayId}")
                + requestId
                + " (this gateway: "
                + requestPrefix
                + requestId
                + ") and read the reply on "
                + replyPrefix("{gatewayId}")
                + requestId));
  }

  private void reply(
      MqttAsyncClient mqtt, String requestId, String replyTopic, ProvisioningOutcome outcome) {
    if (outcome instanceof ProvisioningOutcome.Provisioned ok) {
      Optional<DeviceRecord> device = ledger.find(ok.deviceId());
      try {
        access.grant(mqtt, device.orElseThrow(), ok.deviceSecret());
      } catch (MqttException | RuntimeException e) {
        LOG.warnf("broker not told of new device %s: %s", ok.deviceId(), e.getMessage());
      }
    }
    count(outcome);
    ObjectNode reply = JSON.createObjectNode();
    reply.put("requestId", requestId);
    switch (outcome) {
      case ProvisioningOutcome.Provisioned ok -> {
        reply.put("status", "provisioned");
        reply.put("deviceId", ok.deviceId());
        reply.put("deviceSecret", ok.deviceSecret());
        reply.put("thingId", ingest.thingId(ok.deviceId()));
        reply.put("telemetryTopic", ok.telemetryTopic());
      }
      case ProvisioningOutcome.Refused refused -> {
        reply.put("status", "refused");
        reply.put("reason", refused.reason().name());
        reply.put("detail", refused.detail());
      }
    }
    try {
      mqtt.publish(replyTopic, JSON.writeValueAsBytes(reply), 1, false);
    } catch (MqttException | IOException e) {
      LOG.warnf("could not publish provisioning reply for %s: %s", requestId, e.getMessage());
    }
  }

  private void count(ProvisioningOutcome outcome) {
    String reason =
        switch (outcome) {
          case ProvisioningOutcome.Provisioned ok -> "none";
          case ProvisioningOutcome.Refused refused -> refused.reason().name();
        };
    Counter.builder("bdt.provisioning.requests")
        .description("provisioning requests this gateway answered, by outcome and refusal reason")
        .tag(
            "outcome",
            outcome instanceof ProvisioningOutcome.Provisioned ? "provisioned" : "refused")
        .tag("reason", reason)
        .register(meters)
        .increment();
  }
}
