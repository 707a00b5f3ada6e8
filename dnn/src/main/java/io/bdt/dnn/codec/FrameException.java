package io.bdt.dnn.codec;

/**
 * A byte sequence is not a valid tensor frame; {@link #reason()} says which rule it broke and the
 * message says where.
 */
public final class FrameException extends Exception {

  /** The rule a malformed frame broke. */
  public enum Reason {
    /** Fewer bytes than the header or the declared payload and checksum need. */
    TRUNCATED,
    /** The first four bytes are not {@code BDTF}. */
    BAD_MAGIC,
    /** The version byte names a format this decoder does not read. */
    UNSUPPORTED_VERSION,
    /** A reserved flag bit is set. */
    BAD_FLAGS,
    /** The CRC32C of header and payload does not match the trailing checksum. */
    BAD_CHECKSUM,
    /** More tensors than {@link FrameCodec#MAX_TENSORS}. */
    TOO_MANY_TENSORS,
    /** A model id or tensor name longer than its limit. */
    NAME_TOO_LONG,
    /** A model id or tensor name that is not valid UTF-8. */
    BAD_NAME,
    /** A negative cut id. */
    BAD_CUT,
    /** An encoding byte that names no {@link Encoding}. */
    UNKNOWN_ENCODING,
    /** A tensor rank above {@link FrameCodec#MAX_RANK}. */
    BAD_RANK,
    /** A negative dimension. */
    NEGATIVE_DIMENSION,
    /** The element count or payload size overflows what one frame may hold. */
    ELEMENT_COUNT_OVERFLOW,
    /** An int8 scale that is negative, NaN or infinite. */
    BAD_SCALE,
    /** The declared payload length differs from what the tensor shapes need. */
    PAYLOAD_LENGTH_MISMATCH,
    /** Bytes left over after the checksum where exactly one frame was expected. */
    TRAILING_BYTES
  }

  private static final long serialVersionUID = 1L;

  private final Reason reason;

  /** A frame broke {@code reason}; {@code detail} says where and with which values. */
  public FrameException(Reason reason, String detail) {
    super(reason + ": " + detail);
    this.reason = reason;
  }

  /** The rule the frame broke. */
  public Reason reason() {
    return reason;
  }
}
