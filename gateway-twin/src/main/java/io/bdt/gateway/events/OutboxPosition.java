package io.bdt.gateway.events;

/**
 * A position in an {@link EventOutbox}: {@code segment << 40 | offset}, the segment file's number
 * and a byte offset in it (segments stay below 1 TiB).
 */
final class OutboxPosition {
  private OutboxPosition() {}

  /** Position {@code offset} in {@code segment}. */
  static long position(long segment, long offset) {
    return segment << 40 | offset;
  }

  /** The segment of {@code position}. */
  static long segmentOf(long position) {
    return position >>> 40;
  }

  /** The byte offset of {@code position} in its segment. */
  static long offsetOf(long position) {
    return position & ((1L << 40) - 1);
  }
}
