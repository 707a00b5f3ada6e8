package io.bdt.dnn.codec;

import io.bdt.dnn.codec.FrameException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes {@link Frame}s to the tensor wire format and decodes them back, rejecting malformed bytes
 * with a {@link FrameException}. The format is specified byte by byte in {@code docs/codec.md}.
 *
 * <p>All multi-byte fields are little-endian. A frame is self-delimiting (the header declares the
 * payload length), so frames can follow each other in one stream. The decoder allocates only after
 * checking that the bytes it needs are present, so a hostile header cannot make it allocate more
 * than a small multiple of the frame's actual size.
 */
public final class FrameCodec {

  /** Most tensors one frame may carry. */
  public static final int MAX_TENSORS = 64;

  /** Most UTF-8 bytes of a tensor name. */
  public static final int MAX_NAME_BYTES = 1024;

  /** Most UTF-8 bytes of a model id. */
  public static final int MAX_MODEL_ID_BYTES = 255;

  /** Most dimensions of one tensor. */
  public static final int MAX_RANK = 8;

  /** Bytes of the trailing CRC32C. */
  public static final int CHECKSUM_BYTES = 4;

  private static final int MAX_PAYLOAD_BYTES = Integer.MAX_VALUE - 64;

  /** Elements converted per chunk for float16 and int8, so conversion buffers stay small. */
  private static final int CHUNK = 4096;

  private FrameCodec() {}

  /** Bytes {@code frame} takes on the wire: header, payload and checksum. */
  public static int encodedSize(Frame frame) {
    long size = headerSize(frame) + payloadSize(frame) + CHECKSUM_BYTES;
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("frame of " + size + " bytes is too large for one buffer");
    }
    return (int) size;
  }

  /** Bytes of {@code frame}'s payload alone (the tensor elements as encoded). */
  public static long payloadSize(Frame frame) {
    long size = 0;
    for (Tensor t : frame.tensors()) {
      size += (long) t.elementCount() * t.encoding().bytesPerElement();
    }
    return size;
  }

  /** {@code frame} as a new byte array. */
  public static byte[] encode(Frame frame) {
    byte[] bytes = new byte[encodedSize(frame)];
    encode(frame, ByteBuffer.wrap(bytes));
    return bytes;
  }

  /**
   * Writes {@code frame} into {@code dst} at its position and advances the position past the
   * checksum. {@code dst} may be direct (for zero-copy sends) or heap; its byte order is untouched.
   *
   * @throws IllegalArgumentException if the frame breaks a format limit (too many tensors, name too
   *     long, int8 tensor with non-finite values)
   * @throws java.nio.BufferOverflowException if {@code dst} has less room than {@link
   *     #encodedSize(Frame)}
   */
  public static void encode(Frame frame, ByteBuffer dst) {
    validateForEncoding(frame);
    int size = encodedSize(frame);
    if (dst.remaining() < size) {
      throw new java.nio.BufferOverflowException();
    }
    int start = dst.position();
    ByteBuffer out = dst.slice(start, size).order(ByteOrder.LITTLE_ENDIAN);
    FrameHeader.write(frame, payloadSize(frame), out);
    float[] scales = new float[frame.tensors().size()];
    for (int i = 0; i < scales.length; i++) {
      Tensor t = frame.tensors().get(i);
      byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
      out.putShort((short) name.length);
      out.put(name);
      out.put((byte) t.encoding().wireCode());
      out.put((byte) t.shape().length);
      for (int d : t.shape()) {
        out.putInt(d);
      }
      if (t.encoding() == Encoding.INT8) {
        scales[i] = int8Scale(t);
        out.putFloat(scales[i]);
      }
    }
    for (int i = 0; i < scales.length; i++) {
      Tensor t = frame.tensors().get(i);
      int bytes = t.elementCount() * t.encoding().bytesPerElement();
      ByteBuffer region = out.slice(out.position(), bytes).order(ByteOrder.LITTLE_ENDIAN);
      switch (t.encoding()) {
        case FLOAT32 -> region.asFloatBuffer().put(t.values());
        case FLOAT16 -> putFloat16(region.asShortBuffer(), t.values());
        case INT8 -> putInt8(region, t.values(), scales[i]);
      }
      out.position(out.position() + bytes);
    }
    CRC32C crc = new CRC32C();
    crc.update(out.slice(0, out.position()));
    out.putInt((int) crc.getValue());
    dst.position(start + size);
  }

  /**
   * Decodes exactly one frame that fills {@code bytes}.
   *
   * @throws FrameException if the bytes are not exactly one valid frame
   */
  public static Frame decode(byte[] bytes) throws FrameException {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    Frame frame = decode(in);
    if (in.hasRemaining()) {
      throw new FrameException(
          Reason.TRAILING_BYTES,
          in.remaining() + " bytes after the checksum at offset " + in.position());
    }
    return frame;
  }

  /**
   * Decodes one frame starting at {@code src}'s position and advances the position past its
   * checksum; bytes after it are left for the next frame. On failure the position is unchanged.
   *
   * @throws FrameException if the bytes at the position are not a valid frame
   */
  public static Frame decode(ByteBuffer src) throws FrameException {
    int start = src.position();
    ByteBuffer in = src.slice().order(ByteOrder.LITTLE_ENDIAN);
    FrameHeader header = FrameHeader.read(in);
    int tensorCount = header.tensorCount();
    long declaredPayload = header.payloadBytes();

    String[] names = new String[tensorCount];
    Encoding[] encodings = new Encoding[tensorCount];
    int[][] shapes = new int[tensorCount][];
    float[] scales = new float[tensorCount];
    long payload = 0;
    for (int i = 0; i < tensorCount; i++) {
      need(in, 2, "name length of tensor " + i);
      int nameLength = Short.toUnsignedInt(in.getShort());
      if (nameLength > MAX_NAME_BYTES) {
        throw new FrameException(
            Reason.NAME_TOO_LONG,
            "tensor " + i + " name of " + nameLength + " bytes, at most " + MAX_NAME_BYTES);
      }
      names[i] = readString(in, nameLength, "name of tensor " + i);
      need(in, 2, "encoding and rank of tensor " + names[i]);
      int code = Byte.toUnsignedInt(in.get());
      encodings[i] = Encoding.fromWireCode(code);
      if (encodings[i] == null) {
        throw new FrameException(
            Reason.UNKNOWN_ENCODING, "tensor " + names[i] + " has encoding byte " + code);
      }
      int rank = Byte.toUnsignedInt(in.get());
      if (rank > MAX_RANK) {
        throw new FrameException(
            Reason.BAD_RANK, "tensor " + names[i] + " has rank " + rank + ", at most " + MAX_RANK);
      }
      need(in, 4 * rank, "shape of tensor " + names[i]);
      int[] shape = new int[rank];
      long count = 1;
      for (int d = 0; d < rank; d++) {
        shape[d] = in.getInt();
        if (shape[d] < 0) {
          throw new FrameException(
              Reason.NEGATIVE_DIMENSION,
              "tensor " + names[i] + " dimension " + d + " is " + shape[d]);
        }
        count *= shape[d];
        if (count > MAX_PAYLOAD_BYTES) {
          throw new FrameException(
              Reason.ELEMENT_COUNT_OVERFLOW,
              "tensor " + names[i] + " has more than " + MAX_PAYLOAD_BYTES + " elements");
        }
      }
      shapes[i] = shape;
      payload += count * encodings[i].bytesPerElement();
      if (payload > MAX_PAYLOAD_BYTES) {
        throw new FrameException(
            Reason.ELEMENT_COUNT_OVERFLOW,
            "payload exceeds " + MAX_PAYLOAD_BYTES + " bytes at tensor " + names[i]);
      }
      if (encodings[i] == Encoding.INT8) {
        need(in, 4, "int8 scale of tensor " + names[i]);
        scales[i] = in.getFloat();
        if (!(scales[i] >= 0) || Float.isInfinite(scales[i])) {
          throw new FrameException(
              Reason.BAD_SCALE,
              "tensor " + names[i] + " has int8 scale " + scales[i] + ", must be finite and >= 0");
        }
      }
    }
    if (payload != declaredPayload) {
      throw new FrameException(
          Reason.PAYLOAD_LENGTH_MISMATCH,
          "header declares " + declaredPayload + " payload bytes, the shapes need " + payload);
    }
    int payloadStart = in.position();
    need(in, payload + CHECKSUM_BYTES, "payload and checksum");
    int checksumAt = payloadStart + (int) payload;
    CRC32C crc = new CRC32C();
    crc.update(in.slice(0, checksumAt));
    int expected = (int) crc.getValue();
    int actual = in.getInt(checksumAt);
    if (expected != actual) {
      throw new FrameException(
          Reason.BAD_CHECKSUM,
          String.format(
              "CRC32C of %d bytes is 0x%08x, frame says 0x%08x", checksumAt, expected, actual));
    }

    List<Tensor> tensors = new ArrayList<>(tensorCount);
    int at = payloadStart;
    for (int i = 0; i < tensorCount; i++) {
      int count = 1;
      for (int d : shapes[i]) {
        count *= d;
      }
      int bytes = count * encodings[i].bytesPerElement();
      ByteBuffer region = in.slice(at, bytes).order(ByteOrder.LITTLE_ENDIAN);
      float[] values = new float[count];
      switch (encodings[i]) {
        case FLOAT32 -> region.asFloatBuffer().get(values);
        case FLOAT16 -> getFloat16(region.asShortBuffer(), values);
        case INT8 -> getInt8(region, values, scales[i]);
      }
      tensors.add(new Tensor(names[i], encodings[i], shapes[i], values));
      at += bytes;
    }
    src.position(start + checksumAt + CHECKSUM_BYTES);
    return new Frame(header.modelId(), header.modelHash(), header.cut(), tensors);
  }

  /** The symmetric int8 scale of {@code t}: its largest absolute value over 127. */
  public static float int8Scale(Tensor t) {
    float maxAbs = 0;
    for (float v : t.values()) {
      maxAbs = Math.max(maxAbs, Math.abs(v)); // NaN and infinities propagate to maxAbs
    }
    if (!Float.isFinite(maxAbs)) {
      throw new IllegalArgumentException(
          "tensor " + t.name() + ": int8 encoding needs finite values, found " + maxAbs);
    }
    return maxAbs / 127f;
  }

  private static void validateForEncoding(Frame frame) {
    if (frame.tensors().size() > MAX_TENSORS) {
      throw new IllegalArgumentException(
          "frame has " + frame.tensors().size() + " tensors, at most " + MAX_TENSORS);
    }
    if (frame.modelId().getBytes(StandardCharsets.UTF_8).length > MAX_MODEL_ID_BYTES) {
      throw new IllegalArgumentException(
          "model id " + frame.modelId() + " is longer than " + MAX_MODEL_ID_BYTES + " UTF-8 bytes");
    }
    for (Tensor t : frame.tensors()) {
      if (t.name().getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw new IllegalArgumentException(
            "tensor name " + t.name() + " is longer than " + MAX_NAME_BYTES + " UTF-8 bytes");
      }
      if (t.shape().length > MAX_RANK) {
        throw new IllegalArgumentException(
            "tensor " + t.name() + " has rank " + t.shape().length + ", at most " + MAX_RANK);
      }
    }
    if (payloadSize(frame) > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("frame payload exceeds " + MAX_PAYLOAD_BYTES + " bytes");
    }
  }

  private static long headerSize(Frame frame) {
    long size = FrameHeader.size(frame);
    for (Tensor t : frame.tensors()) {
      size += 2 + t.name().getBytes(StandardCharsets.UTF_8).length + 2 + 4L * t.shape().length;
      if (t.encoding() == Encoding.INT8) {
        size += 4;
      }
    }
    return size;
  }

  static void need(ByteBuffer in, long bytes, String what) throws FrameException {
    if (in.remaining() < bytes) {
      throw new FrameException(
          Reason.TRUNCATED,
          what
              + " needs "
              + bytes
              + " bytes at offset "
              + in.position()
              + ", only "
              + in.remaining()
              + " left");
    }
  }

  static String readString(ByteBuffer in, int length, String what) throws FrameException {
    need(in, length, what);
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = in.slice(in.position(), length);
    in.position(in.position() + length);
    try {
      CharBuffer chars = utf8.decode(bytes);
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new FrameException(Reason.BAD_NAME, what + " is not valid UTF-8");
    }
  }

  private static void putFloat16(ShortBuffer out, float[] values) {
    short[] chunk = new short[Math.min(CHUNK, values.length)];
    for (int from = 0; from < values.length; from += CHUNK) {
      int n = Math.min(CHUNK, values.length - from);
      for (int i = 0; i < n; i++) {
        chunk[i] = Float.floatToFloat16(values[from + i]);
      }
      out.put(chunk, 0, n);
    }
  }

  private static void getFloat16(ShortBuffer in, float[] values) {
    short[] chunk = new short[Math.min(CHUNK, values.length)];
    for (int from = 0; from < values.length; from += CHUNK) {
      int n = Math.min(CHUNK, values.length - from);
      in.get(chunk, 0, n);
      for (int i = 0; i < n; i++) {
        values[from + i] = Float.float16ToFloat(chunk[i]);
      }
    }
  }

  private static void putInt8(ByteBuffer out, float[] values, float scale) {
    // An all-zero tensor has scale 0; its codes must still be written (dst may hold old bytes).
    float inverse = scale == 0 ? 0 : 1f / scale;
    byte[] chunk = new byte[Math.min(CHUNK, values.length)];
    for (int from = 0; from < values.length; from += CHUNK) {
      int n = Math.min(CHUNK, values.length - from);
      for (int i = 0; i < n; i++) {
        // Round half away from zero by truncation, a form the JIT vectorizes (Math.round is not).
        float scaled = values[from + i] * inverse;
        int q = (int) (scaled + Math.copySign(0.5f, scaled));
        chunk[i] = (byte) Math.max(-127, Math.min(127, q));
      }
      out.put(chunk, 0, n);
    }
  }

  private static void getInt8(ByteBuffer in, float[] values, float scale) {
    byte[] chunk = new byte[Math.min(CHUNK, values.length)];
    for (int from = 0; from < values.length; from += CHUNK) {
      int n = Math.min(CHUNK, values.length - from);
      in.get(chunk, 0, n);
      for (int i = 0; i < n; i++) {
        values[from + i] = chunk[i] * scale;
      }
    }
  }
}
