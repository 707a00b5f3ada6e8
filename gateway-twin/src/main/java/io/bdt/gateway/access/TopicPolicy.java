package io.bdt.gateway.access;

import java.util.List;
import java.util.Optional;

/**
 * Which topics each {@link ClientRole} may publish to and subscribe to (pure; both brokers apply
 * the same rules: the HiveMQ extension calls it, the Mosquitto roles are built from {@link
 * #publishFilters}/{@link #subscribeFilters}).
 *
 * <ul>
 *   <li>A device {@code d} of gateway {@code g} publishes only {@code bdt/g/devices/d/telemetry}
 *       and its Sparkplug {@code spBv1.0/+/DDATA|DBIRTH|DDEATH/g/d}, and subscribes only to its own
 *       {@code bdt/g/devices/d/commands}, {@code .../desired} and Sparkplug {@code DCMD}.
 *   <li>A provisioning client {@code c} publishes only {@code bdt/+/provision/request/r} and reads
 *       only {@code bdt/+/provision/reply/r} where {@code r} is one of its own {@link RequestId}s
 *       ({@code c.<nonce>}): no one else's reply (which holds a device secret), and no wildcard.
 *   <li>Gateway {@code g} reads only its own provisioning requests and its own devices' telemetry,
 *       and publishes only its replies, its devices' commands and its access commands.
 * </ul>
 */
public final class TopicPolicy {

  /** Where the broker reports refused clients to the gateways (JSON {@link Refusal}s). */
  public static final String REFUSALS = "bdt/access/refusals";

  /** Every gateway's provisioning replies, by request id. */
  static final String REPLIES = "bdt/+/provision/reply/+";

  /** Replies refusing requests on the former shared topic, by request id. */
  static final String UNADDRESSED_REPLIES = "bdt/provision/reply/+";

  /** The levels every provisioning reply topic has. */
  private static final String REPLY_LEVEL = "/provision/reply/";

  private TopicPolicy() {}

  /** Gateway {@code gatewayId}'s provisioning replies, by request id. */
  static String replies(String gatewayId) {
    return "bdt/" + gatewayId + "/provision/reply/+";
  }

  /** The topic on which gateway {@code gatewayId} sends its access commands to the broker. */
  public static String accessTopic(String gatewayId) {
    return "bdt/" + gatewayId + "/access";
  }

  /** Filters covering every topic {@code role} may publish to. */
  public static List<String> publishFilters(ClientRole role) {
    return switch (role) {
      case ClientRole.Device d ->
          List.of(
              "bdt/" + d.gatewayId() + "/devices/" + d.deviceId() + "/telemetry",
              "spBv1.0/+/DDATA/" + d.gatewayId() + "/" + d.deviceId(),
              "spBv1.0/+/DBIRTH/" + d.gatewayId() + "/" + d.deviceId(),
              "spBv1.0/+/DDEATH/" + d.gatewayId() + "/" + d.deviceId());
      case ClientRole.Provisioning p ->
          List.of("bdt/+/provision/request/+", "bdt/provision/request/+");
      case ClientRole.Gateway g ->
          List.of(
              replies(g.gatewayId()),
              UNADDRESSED_REPLIES,
              "bdt/" + g.gatewayId() + "/devices/+/commands",
              "bdt/" + g.gatewayId() + "/devices/+/desired",
              "spBv1.0/+/DCMD/" + g.gatewayId() + "/+",
              accessTopic(g.gatewayId()));
    };
  }

  /** Filters covering every subscription {@code role} may make. */
  public static List<String> subscribeFilters(ClientRole role) {
    return switch (role) {
      case ClientRole.Device d ->
          List.of(
              "bdt/" + d.gatewayId() + "/devices/" + d.deviceId() + "/commands",
              "bdt/" + d.gatewayId() + "/devices/" + d.deviceId() + "/desired",
              "spBv1.0/+/DCMD/" + d.gatewayId() + "/" + d.deviceId());
      case ClientRole.Provisioning p -> List.of(REPLIES, UNADDRESSED_REPLIES);
      case ClientRole.Gateway g ->
          List.of(
              "bdt/" + g.gatewayId() + "/provision/request/+",
              "bdt/provision/request/+",
              "bdt/" + g.gatewayId() + "/devices/+/telemetry",
              "spBv1.0/+/DDATA/" + g.gatewayId() + "/+",
              "spBv1.0/+/DBIRTH/" + g.gatewayId() + "/+",
              "spBv1.0/+/DDEATH/" + g.gatewayId() + "/+",
              REFUSALS);
    };
  }

  /** What a client asked the broker that it refused. */
  public enum Access {
    /** A PUBLISH from the client. */
    PUBLISH,
    /** A SUBSCRIBE. */
    SUBSCRIBE,
    /** A message the broker would have delivered to the client. */
    RECEIVE,
    /** An UNSUBSCRIBE. */
    UNSUBSCRIBE
  }

  /**
   * Why a refused {@code access} to {@code topic} (a topic name or filter) is counted: a PUBLISH to
   * a broker's access-command topic ({@link #accessTopic}, or Mosquitto's {@code $CONTROL/...}) is
   * a forged access command, a SUBSCRIBE under a provisioning reply topic reaches for another
   * client's device secret; the rest by what was asked. The one classification both brokers'
   * reports go through (the HiveMQ extension's and the Mosquitto plugin's).
   */
  public static Refusal.Reason refusalReason(Access access, String topic) {
    return switch (access) {
      case PUBLISH ->
          isAccessCommandTopic(topic)
              ? Refusal.Reason.BAD_ACCESS_COMMAND
              : Refusal.Reason.PUBLISH_DENIED;
      case SUBSCRIBE ->
          topic.contains(REPLY_LEVEL)
              ? Refusal.Reason.FOREIGN_REPLY
              : Refusal.Reason.SUBSCRIBE_DENIED;
      case RECEIVE -> Refusal.Reason.RECEIVE_DENIED;
      case UNSUBSCRIBE -> Refusal.Reason.UNSUBSCRIBE_DENIED;
    };
  }

  /** {@code bdt/<gateway>/access}, or a {@code $CONTROL/} topic (Mosquitto's plugins' commands). */
  static boolean isAccessCommandTopic(String topic) {
    return topic.startsWith("$CONTROL/") || accessTopicGateway(topic).isPresent();
  }

  /** The gateway whose {@link #accessTopic} {@code topic} is, if it is one. */
  public static Optional<String> accessTopicGateway(String topic) {
    String[] levels = topic.split("/", -1);
    return levels.length == 3 && levels[0].equals("bdt") && levels[2].equals("access")
        ? Optional.of(levels[1])
        : Optional.empty();
  }

  /** Whether {@code role} may publish to {@code topic} (a topic name, no wildcards). */
  public static boolean mayPublish(ClientRole role, String topic) {
    if (topic.contains("+") || topic.contains("#")) {
      return false;
    }
    return publishFilters(role).stream().anyMatch(f -> covers(f, topic))
        && ownsRequest(role, topic);
  }

  /** Whether {@code role} may subscribe with {@code filter}. */
  public static boolean maySubscribe(ClientRole role, String filter) {
    return subscribeFilters(role).stream().anyMatch(f -> covers(f, filter))
        && ownsRequest(role, filter);
  }

  /**
   * A provisioning client's topics end in one of its own request ids (its filters have {@code +}
   * there, as Mosquitto's roles need); other roles' filters say everything.
   */
  private static boolean ownsRequest(ClientRole role, String topic) {
    if (!(role instanceof ClientRole.Provisioning p)) {
      return true;
    }
    String last = topic.substring(topic.lastIndexOf('/') + 1);
    return RequestId.belongsTo(last, p.clientId());
  }

  /**
   * Whether every topic {@code filter} matches is also matched by {@code allowed}: level by level,
   * {@code +} in {@code allowed} covers one level (a name or {@code +}), names must be equal, and
   * {@code #} is covered only by {@code #}. A {@code $}-topic is never covered by a wildcard.
   */
  static boolean covers(String allowed, String filter) {
    String[] a = allowed.split("/", -1);
    String[] f = filter.split("/", -1);
    if (f.length > 0 && f[0].startsWith("$") && !a[0].equals(f[0])) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i].equals("#")) {
        return true;
      }
      if (i >= f.length) {
        return false;
      }
      if (f[i].equals("#")) {
        return false;
      }
      if (!a[i].equals("+") && !a[i].equals(f[i])) {
        return false;
      }
    }
    return a.length == f.length;
  }
}
