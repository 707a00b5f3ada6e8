package io.bdt.dnn.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.dnn.codec.FrameException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

  private static final int[] SHAPE = {1, 8, 6, 5};
  private static final ModelHash HASH = new ModelHash("0123456789abcdef".repeat(4));

  private static float[] randomValues(int n, long seed, float range) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((random.nextDouble() * 2 - 1) * range);
    }
    return v;
  }

  private static Frame frame(Encoding encoding) {
    return new Frame(
        "resnet18",
        HASH,
        3,
        List.of(new Tensor("layer1.out", encoding, SHAPE, randomValues(240, 1, 10f))));
  }

  /** The frame bytes of {@link #frame(Encoding)} as float32, header fields located by offset. */
  private static ByteBuffer validBytes() {
    return ByteBuffer.wrap(FrameCodec.encode(frame(Encoding.FLOAT32)))
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  // Offsets in the frame of validBytes(): fixed header 49, model id "resnet18" (8), then tensor 0.
  private static final int TENSOR_COUNT_AT = 6;
  private static final int CUT_AT = 8;
  private static final int PAYLOAD_LENGTH_AT = 12;
  private static final int MODEL_HASH_AT = 16;
  private static final int NAME_LENGTH_AT = 57;
  private static final int NAME_AT = 59;
  private static final int ENCODING_AT = NAME_AT + "layer1.out".length();
  private static final int RANK_AT = ENCODING_AT + 1;
  private static final int DIMS_AT = RANK_AT + 1;

  /** Recomputes the checksum so that a deliberately broken header reaches its own check. */
  private static byte[] resealed(ByteBuffer frame) {
    byte[] bytes = frame.array();
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(bytes.length - 4, (int) crc.getValue());
    return bytes;
  }

  private static void assertRejected(byte[] bytes, Reason reason) {
    assertThatThrownBy(() -> FrameCodec.decode(bytes))
        .isInstanceOf(FrameException.class)
        .satisfies(e -> assertThat(((FrameException) e).reason()).isEqualTo(reason))
        .hasMessageStartingWith(reason.name());
  }

  @Test
  void float32RoundTripIsExact() throws FrameException {
    Frame original = frame(Encoding.FLOAT32);
    Frame decoded = FrameCodec.decode(FrameCodec.encode(original));
    assertThat(decoded).isEqualTo(original);
  }

  @Test
  void float32KeepsSpecialValuesBitForBit() throws FrameException {
    float[] special = {Float.NaN, Float.POSITIVE_INFINITY, -0f, Float.MIN_VALUE, -Float.MAX_VALUE};
    Frame original = new Frame("m", HASH, 0, List.of(Tensor.of("x", new int[] {5}, special)));
    Frame decoded = FrameCodec.decode(FrameCodec.encode(original));
    for (int i = 0; i < special.length; i++) {
      assertThat(Float.floatToRawIntBits(decoded.tensors().get(0).values()[i]))
          .isEqualTo(Float.floatToRawIntBits(special[i]));
    }
  }

  @Test
  void float16RoundTripStaysWithinHalfPrecisionError() throws FrameException {
    Frame original = frame(Encoding.FLOAT16);
    float[] sent = original.tensors().get(0).values();
    float[] received = FrameCodec.decode(FrameCodec.encode(original)).tensors().get(0).values();
    for (int i = 0; i < sent.length; i++) {
      // round-to-nearest with an 11-bit significand: relative error <= 2^-11 for normal halves
      assertThat(received[i])
          .isCloseTo(
              sent[i], org.assertj.core.data.Offset.offset(Math.abs(sent[i]) * 0x1p-11f + 1e-7f));
    }
  }

  @Test
  void float16RoundsToNearestEven() throws FrameException {
    // 1 + 2^-11 lies exactly between 1 and 1 + 2^-10: ties go to the even significand (1.0).
    float[] values = {1f + 0x1p-11f, 1f + 3 * 0x1p-11f};
    Frame decoded =
        FrameCodec.decode(
            FrameCodec.encode(
                new Frame(
                    "m",
                    HASH,
                    0,
                    List.of(new Tensor("x", Encoding.FLOAT16, new int[] {2}, values)))));
    assertThat(decoded.tensors().get(0).values()).containsExactly(1f, 1f + 2 * 0x1p-10f);
  }

  @Test
  void int8RoundTripStaysWithinHalfAScale() throws FrameException {
    Frame original = frame(Encoding.INT8);
    Tensor sent = original.tensors().get(0);
    float scale = FrameCodec.int8Scale(sent);
    float[] received = FrameCodec.decode(FrameCodec.encode(original)).tensors().get(0).values();
    for (int i = 0; i < received.length; i++) {
      assertThat(Math.abs(received[i] - sent.values()[i])).isLessThanOrEqualTo(scale / 2 * 1.0001f);
    }
  }

  @Test
  void int8OfAllZerosDecodesToZeros() throws FrameException {
    Frame original =
        new Frame(
            "m", HASH, 0, List.of(new Tensor("z", Encoding.INT8, new int[] {3}, new float[3])));
    ByteBuffer reused = ByteBuffer.allocate(FrameCodec.encodedSize(original));
    for (int i = 0; i < reused.capacity(); i++) {
      reused.put(i, (byte) 0x55);
    }
    FrameCodec.encode(original, reused);
    assertThat(FrameCodec.decode(reused.array()).tensors().get(0).values()).containsOnly(0f);
  }

  @Test
  void int8RejectsNonFiniteValuesWhenEncoding() {
    Frame bad =
        new Frame(
            "m",
            HASH,
            0,
            List.of(new Tensor("x", Encoding.INT8, new int[] {2}, new float[] {1, Float.NaN})));
    assertThatThrownBy(() -> FrameCodec.encode(bad)).hasMessageContaining("tensor x");
  }

  @Test
  void frameSizeIsHeaderPlusElementsTimesBytesPlusChecksum() {
    int header = FrameHeader.FIXED_BYTES + 8 + 2 + "layer1.out".length() + 2 + 4 * SHAPE.length;
    assertThat(FrameCodec.encodedSize(frame(Encoding.FLOAT32))).isEqualTo(header + 240 * 4 + 4);
    assertThat(FrameCodec.encodedSize(frame(Encoding.FLOAT16))).isEqualTo(header + 240 * 2 + 4);
    assertThat(FrameCodec.encodedSize(frame(Encoding.INT8))).isEqualTo(header + 4 + 240 + 4);
  }

  @Test
  void multipleTensorsWithMixedEncodingsRoundTrip() throws FrameException {
    Frame original =
        new Frame(
            "model-ü",
            HASH,
            7,
            List.of(
                new Tensor("a", Encoding.FLOAT32, new int[] {2, 2}, new float[] {1, 2, 3, 4}),
                new Tensor("b", Encoding.FLOAT16, new int[] {3}, new float[] {0.5f, -2, 8}),
                new Tensor("c", Encoding.INT8, new int[] {2}, new float[] {127, -127}),
                new Tensor("scalar", Encoding.FLOAT32, new int[] {}, new float[] {42}),
                new Tensor("empty", Encoding.FLOAT32, new int[] {0, 4}, new float[0])));
    assertThat(FrameCodec.decode(FrameCodec.encode(original))).isEqualTo(original);
  }

  @Test
  void framesFollowingEachOtherInOneBufferDecodeInOrder() throws FrameException {
    byte[] a = FrameCodec.encode(frame(Encoding.FLOAT32));
    byte[] b = FrameCodec.encode(frame(Encoding.INT8));
    ByteBuffer stream = ByteBuffer.allocate(a.length + b.length).put(a).put(b).flip();
    assertThat(FrameCodec.decode(stream).tensors().get(0).encoding()).isEqualTo(Encoding.FLOAT32);
    assertThat(FrameCodec.decode(stream).tensors().get(0).encoding()).isEqualTo(Encoding.INT8);
    assertThat(stream.hasRemaining()).isFalse();
  }

  @Test
  void encodesIntoDirectBufferAtItsPosition() throws FrameException {
    Frame original = frame(Encoding.FLOAT32);
    ByteBuffer direct = ByteBuffer.allocateDirect(FrameCodec.encodedSize(original) + 10);
    direct.position(10);
    FrameCodec.encode(original, direct);
    assertThat(direct.hasRemaining()).isFalse();
    direct.position(10);
    assertThat(FrameCodec.decode(direct)).isEqualTo(original);
  }

  @Test
  void rejectsTruncatedFrameAtEveryLength() {
    byte[] valid = validBytes().array();
    for (int length = 0; length < valid.length; length++) {
      assertRejected(java.util.Arrays.copyOf(valid, length), Reason.TRUNCATED);
    }
  }

  @Test
  void modelHashTravelsInTheHeader() throws FrameException {
    byte[] bytes = validBytes().array();
    assertThat(java.util.Arrays.copyOfRange(bytes, MODEL_HASH_AT, MODEL_HASH_AT + 32))
        .isEqualTo(HASH.bytes());
    assertThat(FrameCodec.decode(bytes).modelHash()).isEqualTo(HASH);
  }

  @Test
  void changedModelHashFailsTheChecksum() {
    ByteBuffer b = validBytes();
    b.put(MODEL_HASH_AT + 31, (byte) (b.get(MODEL_HASH_AT + 31) ^ 1));
    assertRejected(b.array(), Reason.BAD_CHECKSUM);
  }

  @Test
  void rejectsBadMagic() {
    ByteBuffer b = validBytes();
    b.put(0, (byte) 'X');
    assertRejected(b.array(), Reason.BAD_MAGIC);
  }

  @Test
  void rejectsUnsupportedVersion() {
    ByteBuffer b = validBytes();
    b.put(4, (byte) 1); // a frame of the first format, which named no model hash
    assertRejected(b.array(), Reason.UNSUPPORTED_VERSION);
  }

  @Test
  void rejectsReservedFlags() {
    ByteBuffer b = validBytes();
    b.put(5, (byte) 1);
    assertRejected(b.array(), Reason.BAD_FLAGS);
  }

  @Test
  void rejectsWrongChecksum() {
    ByteBuffer b = validBytes();
    int last = b.capacity() - 1;
    b.put(last - 100, (byte) (b.get(last - 100) ^ 1));
    assertRejected(b.array(), Reason.BAD_CHECKSUM);
  }

  @Test
  void rejectsMoreTensorsThanTheLimit() {
    ByteBuffer b = validBytes();
    b.putShort(TENSOR_COUNT_AT, (short) (FrameCodec.MAX_TENSORS + 1));
    assertRejected(resealed(b), Reason.TOO_MANY_TENSORS);
  }

  @Test
  void rejectsNegativeCut() {
    ByteBuffer b = validBytes();
    b.putInt(CUT_AT, -1);
    assertRejected(resealed(b), Reason.BAD_CUT);
  }

  @Test
  void rejectsHugeNameLength() {
    ByteBuffer b = validBytes();
    b.putShort(NAME_LENGTH_AT, (short) 0xFFFF);
    assertRejected(resealed(b), Reason.NAME_TOO_LONG);
  }

  @Test
  void rejectsNameThatIsNotUtf8() {
    ByteBuffer b = validBytes();
    b.put(NAME_AT, (byte) 0xC3); // lead byte followed by ASCII
    assertRejected(resealed(b), Reason.BAD_NAME);
  }

  @Test
  void rejectsUnknownEncoding() {
    ByteBuffer b = validBytes();
    b.put(ENCODING_AT, (byte) 9);
    assertRejected(resealed(b), Reason.UNKNOWN_ENCODING);
  }

  @Test
  void rejectsRankAboveLimit() {
    ByteBuffer b = validBytes();
    b.put(RANK_AT, (byte) (FrameCodec.MAX_RANK + 1));
    assertRejected(resealed(b), Reason.BAD_RANK);
  }

  @Test
  void rejectsNegativeDimension() {
    ByteBuffer b = validBytes();
    b.putInt(DIMS_AT + 4, -8);
    assertRejected(resealed(b), Reason.NEGATIVE_DIMENSION);
  }

  @Test
  void rejectsElementCountOverflow() {
    ByteBuffer b = validBytes();
    b.putInt(DIMS_AT, Integer.MAX_VALUE);
    b.putInt(DIMS_AT + 4, Integer.MAX_VALUE);
    assertRejected(resealed(b), Reason.ELEMENT_COUNT_OVERFLOW);
  }

  @Test
  void rejectsPayloadLengthThatDisagreesWithShapes() {
    ByteBuffer b = validBytes();
    b.putInt(PAYLOAD_LENGTH_AT, b.getInt(PAYLOAD_LENGTH_AT) - 4);
    assertRejected(resealed(b), Reason.PAYLOAD_LENGTH_MISMATCH);
  }

  @Test
  void rejectsShapeLargerThanTheBytesPresentWithoutAllocatingIt() {
    ByteBuffer b = validBytes();
    b.putInt(DIMS_AT, 100_000_000); // 100M x 8 x 6 x 5 floats: far beyond the frame
    b.putInt(PAYLOAD_LENGTH_AT, 0);
    assertRejected(resealed(b), Reason.ELEMENT_COUNT_OVERFLOW);
    b.putInt(DIMS_AT, 1000); // 960 kB declared, consistent length, only ~1 kB present
    b.putInt(PAYLOAD_LENGTH_AT, 1000 * 8 * 6 * 5 * 4);
    assertRejected(resealed(b), Reason.TRUNCATED);
  }

  @Test
  void rejectsBadInt8Scale() {
    Frame f = frame(Encoding.INT8);
    ByteBuffer b = ByteBuffer.wrap(FrameCodec.encode(f)).order(ByteOrder.LITTLE_ENDIAN);
    int scaleAt = DIMS_AT + 4 * SHAPE.length;
    for (float bad : new float[] {-1f, Float.NaN, Float.POSITIVE_INFINITY}) {
      b.putFloat(scaleAt, bad);
      assertRejected(resealed(b), Reason.BAD_SCALE);
    }
  }

  @Test
  void rejectsTrailingBytesAfterOneFrame() {
    byte[] valid = validBytes().array();
    assertRejected(java.util.Arrays.copyOf(valid, valid.length + 1), Reason.TRAILING_BYTES);
  }

  @Test
  void failedDecodeLeavesBufferPositionUnchanged() {
    ByteBuffer b = ByteBuffer.wrap(java.util.Arrays.copyOf(validBytes().array(), 20));
    b.position(0);
    assertThatThrownBy(() -> FrameCodec.decode(b)).isInstanceOf(FrameException.class);
    assertThat(b.position()).isZero();
  }

  @Test
  void fuzzedFramesDecodeOrFailWithFrameExceptionOnly() {
    SplittableRandom random = new SplittableRandom(20261124);
    List<byte[]> seeds =
        List.of(
            FrameCodec.encode(frame(Encoding.FLOAT32)),
            FrameCodec.encode(frame(Encoding.FLOAT16)),
            FrameCodec.encode(frame(Encoding.INT8)));
    int decoded = 0;
    int rejected = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] bytes = seeds.get(random.nextInt(seeds.size())).clone();
      bytes = mutate(bytes, random);
      if (random.nextBoolean()) {
        resealedInPlace(bytes); // half the cases get past the checksum to the structural checks
      }
      try {
        Frame f = FrameCodec.decode(bytes);
        assertThat(FrameCodec.encodedSize(f)).isEqualTo(bytes.length);
        decoded++;
      } catch (FrameException e) {
        assertThat(e.reason()).isNotNull();
        rejected++;
      }
    }
    assertThat(rejected).isPositive();
    assertThat(decoded).isPositive();
  }

  private static void resealedInPlace(byte[] bytes) {
    if (bytes.length >= 4) {
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, bytes.length - 4);
      ByteBuffer.wrap(bytes)
          .order(ByteOrder.LITTLE_ENDIAN)
          .putInt(bytes.length - 4, (int) crc.getValue());
    }
  }

  private static byte[] mutate(byte[] bytes, SplittableRandom random) {
    switch (random.nextInt(5)) {
      case 0 -> { // flip a few bits
        for (int i = random.nextInt(1, 4); i > 0; i--) {
          int at = random.nextInt(bytes.length);
          bytes[at] ^= (byte) (1 << random.nextInt(8));
        }
        return bytes;
      }
      case 1 -> { // random byte in the header region
        bytes[random.nextInt(Math.min(bytes.length, 60))] = (byte) random.nextInt(256);
        return bytes;
      }
      case 2 -> { // truncate
        return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
      }
      case 3 -> { // extend with junk
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + random.nextInt(1, 64));
        for (int i = bytes.length; i < longer.length; i++) {
          longer[i] = (byte) random.nextInt(256);
        }
        return longer;
      }
      default -> { // large value in a 4-byte field
        int at = random.nextInt(Math.max(1, Math.min(bytes.length, 60) - 4));
        if (at + 4 <= bytes.length) {
          ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(at, random.nextInt());
        }
        return bytes;
      }
    }
  }
}
