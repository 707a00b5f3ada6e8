package io.bdt.gateway.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The event outbox's record format: {@code u32 length, u32 CRC32C(body), body} (little-endian),
 * body = {@code u16 topic length, topic, u16 key length, key, the structured CloudEvent's bytes}
 * (UTF-8). Pure encoding and decoding; no state.
 */
final class OutboxRecords {

  /** Bytes before a record's body. */
  static final int HEADER = 8;

  /** A length field above this is corruption, not an event (no CloudEvent here is that large). */
  static final int MAX_BODY = 64 * 1024 * 1024;

  private OutboxRecords() {}

  /** The whole record of {@code event}, ready to write. */
  static ByteBuffer encode(EventOutbox.Event event) {
    byte[] topic = event.topic().getBytes(StandardCharsets.UTF_8);
    byte[] key = event.key().getBytes(StandardCharsets.UTF_8);
    if (topic.length > 0xFFFF || key.length > 0xFFFF) {
      throw new IllegalArgumentException(
          "event topic and key must be under 64 KiB each, got "
              + topic.length
              + " and "
              + key.length
              + " bytes");
    }
    int body = 4 + topic.length + key.length + event.value().length;
    ByteBuffer out = ByteBuffer.allocate(HEADER + body).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(body).putInt(0);
    out.putShort((short) topic.length).put(topic);
    out.putShort((short) key.length).put(key);
    out.put(event.value());
    CRC32C crc = new CRC32C();
    crc.update(out.array(), HEADER, body);
    out.putInt(4, (int) crc.getValue());
    return out.flip();
  }

  /**
   * What is at the start of {@code buffer} (little-endian, positioned at a record): a whole valid
   * record ({@code length} = its size including the header), too few bytes to tell ({@link
   * #SHORT}), or a corrupt one ({@link #CORRUPT}: a length out of range or a CRC mismatch). Leaves
   * the buffer's position unchanged.
   */
  static int check(ByteBuffer buffer) {
    int start = buffer.position();
    if (buffer.remaining() < HEADER) {
      return SHORT;
    }
    int length = buffer.getInt(start);
    int expected = buffer.getInt(start + 4);
    if (length < 4 || length > MAX_BODY) {
      return CORRUPT;
    }
    if (buffer.remaining() < HEADER + length) {
      return SHORT;
    }
    CRC32C crc = new CRC32C();
    ByteBuffer body = buffer.duplicate().position(start + HEADER).limit(start + HEADER + length);
    crc.update(body);
    return (int) crc.getValue() == expected ? HEADER + length : CORRUPT;
  }

  /** {@link #check}: not enough bytes for a whole record. */
  static final int SHORT = -1;

  /** {@link #check}: a corrupt record. */
  static final int CORRUPT = -2;

  /** The body length a record header claims (for sizing a read); 0 when there is no header. */
  static int claimedLength(ByteBuffer buffer) {
    return buffer.remaining() < HEADER ? 0 : buffer.getInt(buffer.position());
  }

  /** Decodes the valid record of {@code size} bytes at the buffer's position and moves past it. */
  static EventOutbox.Event decode(ByteBuffer buffer, int size) {
    int start = buffer.position();
    buffer.position(start + HEADER);
    String topic = string(buffer, Short.toUnsignedInt(buffer.getShort()));
    String key = string(buffer, Short.toUnsignedInt(buffer.getShort()));
    byte[] value = new byte[start + size - buffer.position()];
    buffer.get(value);
    return new EventOutbox.Event(topic, key, value);
  }

  private static String string(ByteBuffer buffer, int length) {
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Reads {@code channel} from {@code position} into the buffer until it is full or at the end. */
  static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        break;
      }
      at += n;
    }
  }

  /** Writes all of {@code buffer} to {@code channel} at {@code position}. */
  static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  /** Receives the valid records a {@link Scanner} passes. */
  interface Visitor {
    /** The record of {@code size} bytes at {@code offset}; {@code record} is positioned at it. */
    void accept(long offset, int size, ByteBuffer record);
  }

  /** What a scan found: where the valid records end, how many it passed, whether it met damage. */
  record Scan(long end, int records, boolean damaged) {}

  /** Walks the valid records of a segment file in chunks, reusing one buffer. */
  static final class Scanner {
    private ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

    /**
     * Passes at most {@code max} valid records from {@code from} up to {@code limit} to {@code
     * visitor}; stops at a short or corrupt record ({@link Scan#damaged()}: a record that is
     * corrupt or runs past {@code limit}).
     */
    Scan scan(FileChannel ch, long from, long limit, int max, Visitor visitor) throws IOException {
      long at = from;
      int passed = 0;
      while (at < limit && passed < max) {
        ByteBuffer buf = buffer.clear();
        buf.limit((int) Math.min(buf.capacity(), limit - at));
        readFully(ch, buf, at);
        buf.flip();
        while (passed < max) {
          int size = check(buf);
          if (size == CORRUPT) {
            return new Scan(at + buf.position(), passed, true);
          }
          if (size == SHORT) {
            break;
          }
          visitor.accept(at + buf.position(), size, buf.duplicate().order(ByteOrder.LITTLE_ENDIAN));
          buf.position(buf.position() + size);
          passed++;
        }
        if (buf.position() == 0 && passed < max) {
          long need = HEADER + (long) claimedLength(buf);
          if (buf.remaining() < HEADER || at + need > limit || buffer.capacity() >= need) {
            return new Scan(at, passed, true); // runs past what was written: a torn record
          }
          buffer = ByteBuffer.allocate((int) need).order(ByteOrder.LITTLE_ENDIAN);
          continue;
        }
        at += buf.position();
      }
      return new Scan(at, passed, false);
    }
  }
}
