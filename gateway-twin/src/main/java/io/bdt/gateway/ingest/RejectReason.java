package io.bdt.gateway.ingest;

/** Why an MQTT message was dropped; the metric tag {@code reason} is {@link #tag()}. */
public enum RejectReason {
  NOT_JSON,
  NOT_AN_OBJECT,
  BAD_TIMESTAMP,
  BAD_SAMPLES,
  NO_VALUES,
  NOT_SPARKPLUG,
  UNKNOWN_DEVICE,
  REVOKED_DEVICE,
  INVALID_TWIN_UPDATE,
  BAD_TOPIC;

  /** The lower-case, dash-separated metric tag. */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
