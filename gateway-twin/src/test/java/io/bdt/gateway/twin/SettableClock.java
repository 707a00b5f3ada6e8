package io.bdt.gateway.twin;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock that stands still until a test moves it: for ages measured from "now". */
final class SettableClock extends Clock {

  private volatile Instant now;

  SettableClock(Instant start) {
    this.now = start;
  }

  /** Sets the instant the clock reads until it is moved again. */
  void set(Instant instant) {
    now = instant;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
