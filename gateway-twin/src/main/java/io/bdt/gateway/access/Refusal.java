package io.bdt.gateway.access;

import java.util.Locale;
import java.util.Objects;

/**
 * What the broker refused one client {@code count} times alike: why, which client (its username or
 * id, never its password), and the gateway concerned ({@code ""} when none is known, e.g. an
 * anonymous connect). {@code count} is 1 but for the denials a broker reports aggregated (B-DT's
 * Mosquitto plugin, {@link DenialsPlugin}).
 */
public record Refusal(Reason reason, String client, String gatewayId, String detail, long count) {

  public Refusal {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(gatewayId, "gatewayId");
    Objects.requireNonNull(detail, "detail");
    if (count < 1) {
      throw new IllegalArgumentException("a refusal is counted at least once, not " + count);
    }
  }

  /** One refusal. */
  public Refusal(Reason reason, String client, String gatewayId, String detail) {
    this(reason, client, gatewayId, detail, 1);
  }

  /** Why a client was refused; the metric tag is {@link #tag()}. */
  public enum Reason {
    /** CONNECT without username or password (and no client certificate). */
    ANONYMOUS,
    /** Username is no device, gateway or provisioning profile the broker knows. */
    UNKNOWN_CLIENT,
    /** Known username, wrong password. */
    WRONG_SECRET,
    /** The device is revoked. */
    REVOKED_DEVICE,
    /** A client certificate the broker cannot tie to a device. */
    UNTRUSTED_CERTIFICATE,
    /** PUBLISH to a topic the client may not use (e.g. another device's telemetry). */
    PUBLISH_DENIED,
    /** SUBSCRIBE to a filter the client may not use (e.g. {@code #}). */
    SUBSCRIBE_DENIED,
    /** A message the broker did not deliver to a subscriber (Mosquitto's {@code read} check). */
    RECEIVE_DENIED,
    /** UNSUBSCRIBE the broker refused (Mosquitto's {@code unsubscribe} check). */
    UNSUBSCRIBE_DENIED,
    /** SUBSCRIBE to another client's provisioning reply topic. */
    FOREIGN_REPLY,
    /**
     * CONNECT refused by a broker that does not say why (Mosquitto's log: anonymous, unknown user,
     * wrong password and a disabled (revoked) client read alike).
     */
    CONNECT_REFUSED,
    /**
     * An access command ({@code bdt/<gateway>/access}, Mosquitto's {@code $CONTROL/...}) from a
     * client that may not send it, or malformed.
     */
    BAD_ACCESS_COMMAND;

    /** The lower-case, dash-separated metric tag. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }
}
