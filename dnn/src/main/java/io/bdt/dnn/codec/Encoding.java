package io.bdt.dnn.codec;

/**
 * How a tensor's elements travel on the wire: the element type and its size in bytes.
 *
 * <p>The wire code is the byte the frame header carries for the tensor; it never changes for an
 * encoding once released.
 */
public enum Encoding {
  /** IEEE 754 binary32, little-endian; lossless. */
  FLOAT32(0, 4),
  /**
   * IEEE 754 binary16 (half), little-endian, rounded to nearest even; relative error at most 2^-11.
   */
  FLOAT16(1, 2),
  /**
   * Signed 8-bit integers with one symmetric per-tensor scale ({@code scale = maxabs / 127}, value
   * = {@code q * scale}); absolute error at most {@code scale / 2}.
   */
  INT8(2, 1);

  private final int wireCode;
  private final int bytesPerElement;

  Encoding(int wireCode, int bytesPerElement) {
    this.wireCode = wireCode;
    this.bytesPerElement = bytesPerElement;
  }

  /** The byte that names this encoding in a frame header. */
  public int wireCode() {
    return wireCode;
  }

  /** Bytes one element takes in the payload. */
  public int bytesPerElement() {
    return bytesPerElement;
  }

  /** Bits one element takes in the payload. */
  public int bitsPerElement() {
    return 8 * bytesPerElement;
  }

  /** The encoding with this wire code, or {@code null} if none has it. */
  static Encoding fromWireCode(int code) {
    for (Encoding e : values()) {
      if (e.wireCode == code) {
        return e;
      }
    }
    return null;
  }
}
