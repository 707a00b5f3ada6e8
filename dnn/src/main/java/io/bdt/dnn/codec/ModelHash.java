package io.bdt.dnn.codec;

import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model's identity: the SHA-256 of its ONNX bytes, i.e. of the {@code ModelProto}'s protobuf
 * serialization as read by {@code OnnxModels.read} (external data inlined, so the weights count
 * even when they live beside the file). For a self-contained file that is what {@code sha256sum
 * model.onnx} prints. Two models with the same name but other weights or another training seed have
 * different hashes, so a gateway and an AP agree on a model exactly when the hashes do.
 *
 * @param hex 64 lower-case hex digits
 */
public record ModelHash(String hex) {

  /** Bytes of a SHA-256 digest. */
  public static final int BYTES = 32;

  private static final HexFormat HEX = HexFormat.of();

  public ModelHash {
    if (hex == null || hex.length() != 2 * BYTES || !hex.chars().allMatch(ModelHash::isHexDigit)) {
      throw new IllegalArgumentException(
          "model hash must be " + 2 * BYTES + " lower-case hex digits (SHA-256), got " + hex);
    }
  }

  /** The hash of the 32 digest bytes {@code digest}. */
  public static ModelHash of(byte[] digest) {
    if (digest.length != BYTES) {
      throw new IllegalArgumentException(
          "model hash needs " + BYTES + " bytes, got " + digest.length);
    }
    return new ModelHash(HEX.formatHex(digest));
  }

  /** The hash of {@code model}'s serialization, computed while streaming it (no byte copy). */
  public static ModelHash of(ModelProto model) {
    MessageDigest sha = sha256();
    try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
      model.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a null stream does not fail
    }
    return of(sha.digest());
  }

  /** The 32 digest bytes. */
  public byte[] bytes() {
    return HEX.parseHex(hex);
  }

  /** The first 12 hex digits, for log lines and messages. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @Override
  public String toString() {
    return "sha256:" + hex;
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
