package io.bdt.dnn.codec;

import io.bdt.dnn.codec.FrameException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The fixed part of a frame and the model id after it: the one definition of the header's layout
 * ({@code docs/codec.md}, "Frame layout"), which {@link FrameCodec} writes and reads.
 * Little-endian:
 *
 * <pre>
 *  0  4  magic "BDTF"          16 32  model hash (SHA-256 of the ONNX bytes)
 *  4  1  version = 2           48  1  model id length m
 *  5  1  flags = 0             49  m  model id, UTF-8
 *  6  2  tensor count
 *  8  4  cut id k
 * 12  4  payload length (bytes)
 * </pre>
 *
 * @param modelId the model's name (for messages; the hash is its identity)
 * @param modelHash which model exactly the tensors belong to
 * @param cut the cut id {@code k}
 * @param tensorCount tensors in the frame
 * @param payloadBytes bytes of the tensor payload
 */
public record FrameHeader(
    String modelId, ModelHash modelHash, int cut, int tensorCount, long payloadBytes) {

  /** {@code "BDTF"} read as a little-endian int. */
  public static final int MAGIC = 0x46544442;

  /** The format version this codec writes and reads. */
  public static final int VERSION = 2;

  /** Bytes before the model id. */
  public static final int FIXED_BYTES = 49;

  /** Bytes of the header of {@code frame}: the fixed part and its model id. */
  static int size(Frame frame) {
    return FIXED_BYTES + frame.modelId().getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * Writes the header of {@code frame}, whose payload takes {@code payloadBytes}, at {@code out}.
   */
  static void write(Frame frame, long payloadBytes, ByteBuffer out) {
    byte[] modelId = frame.modelId().getBytes(StandardCharsets.UTF_8);
    out.putInt(MAGIC);
    out.put((byte) VERSION);
    out.put((byte) 0);
    out.putShort((short) frame.tensors().size());
    out.putInt(frame.cut());
    out.putInt((int) payloadBytes);
    out.put(frame.modelHash().bytes());
    out.put((byte) modelId.length);
    out.put(modelId);
  }

  /**
   * Reads and checks a header at {@code in}'s position (a little-endian buffer) and advances past
   * it.
   */
  static FrameHeader read(ByteBuffer in) throws FrameException {
    FrameCodec.need(in, FIXED_BYTES, "fixed header");
    int magic = in.getInt();
    if (magic != MAGIC) {
      throw new FrameException(
          Reason.BAD_MAGIC, String.format("expected 0x%08x (\"BDTF\"), got 0x%08x", MAGIC, magic));
    }
    int version = Byte.toUnsignedInt(in.get());
    if (version != VERSION) {
      throw new FrameException(
          Reason.UNSUPPORTED_VERSION, "version " + version + ", this decoder reads " + VERSION);
    }
    int flags = Byte.toUnsignedInt(in.get());
    if (flags != 0) {
      throw new FrameException(Reason.BAD_FLAGS, "reserved flags byte is " + flags + ", must be 0");
    }
    int tensorCount = Short.toUnsignedInt(in.getShort());
    if (tensorCount > FrameCodec.MAX_TENSORS) {
      throw new FrameException(
          Reason.TOO_MANY_TENSORS, tensorCount + " tensors, at most " + FrameCodec.MAX_TENSORS);
    }
    int cut = in.getInt();
    if (cut < 0) {
      throw new FrameException(Reason.BAD_CUT, "cut id " + cut + " is negative");
    }
    long payloadBytes = Integer.toUnsignedLong(in.getInt());
    byte[] hash = new byte[ModelHash.BYTES];
    in.get(hash);
    int modelIdLength = Byte.toUnsignedInt(in.get());
    String modelId = FrameCodec.readString(in, modelIdLength, "model id");
    return new FrameHeader(modelId, ModelHash.of(hash), cut, tensorCount, payloadBytes);
  }
}
