package io.bdt.gateway.twin;

import java.time.Instant;
import java.util.Objects;

/** What happened to a twin: one journal record, one history entry, one published event. */
public sealed interface TwinEvent {

  /** The thing the event is about. */
  String thingId();

  /** The twin's revision after the event. */
  long revision();

  /** When the event was accepted. */
  Instant at();

  /** The twin came into being with this state (revision 1). */
  record Created(Twin twin) implements TwinEvent {
    public Created {
      Objects.requireNonNull(twin, "twin");
    }

    @Override
    public String thingId() {
      return twin.thingId();
    }

    @Override
    public long revision() {
      return twin.revision();
    }

    @Override
    public Instant at() {
      return twin.modified();
    }
  }

  /** The twin changed to this state; {@code cause} says by what (put, patch, telemetry, ...). */
  record Modified(Twin twin, String cause) implements TwinEvent {
    public Modified {
      Objects.requireNonNull(twin, "twin");
      Objects.requireNonNull(cause, "cause");
    }

    @Override
    public String thingId() {
      return twin.thingId();
    }

    @Override
    public long revision() {
      return twin.revision();
    }

    @Override
    public Instant at() {
      return twin.modified();
    }
  }

  /** The twin was deleted at the given revision. */
  record Deleted(String thingId, long revision, Instant at) implements TwinEvent {
    public Deleted {
      Objects.requireNonNull(thingId, "thingId");
      Objects.requireNonNull(at, "at");
    }
  }
}
