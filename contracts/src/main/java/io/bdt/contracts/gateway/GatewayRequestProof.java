package io.bdt.contracts.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * A gateway's proof of one HTTP request to an AP: an EIP-191 ({@code personal_sign}) secp256k1
 * signature, with the gateway's chain key, over the request's method, path, audience (the AP's
 * address; empty for reads), SHA-256 of the body, timestamp and nonce. The AP recovers the signer,
 * checks it is the claimed {@code X-Bdt-Gateway} and a gateway registered on chain, the timestamp
 * lies in its replay window and the nonce is new (docs/security.md, "Service authentication").
 *
 * @param method HTTP method, upper case
 * @param path request path with its query ({@code /offload})
 * @param audience the AP's address, lower case ({@code 0x...}), or empty for a read
 * @param bodySha256 SHA-256 of the request body as sent (of zero bytes for no body)
 * @param timestampMillis the gateway's clock at signing, milliseconds since the epoch
 * @param nonce 16..64 characters of [0-9A-Za-z_-], never reused by the gateway
 */
public record GatewayRequestProof(
    String method,
    String path,
    String audience,
    byte[] bodySha256,
    long timestampMillis,
    String nonce) {

  /** Header naming the gateway's address ({@code 0x} + 40 hex digits). */
  public static final String GATEWAY = "X-Bdt-Gateway";

  /** Header with {@link #timestampMillis}. */
  public static final String TIMESTAMP = "X-Bdt-Timestamp";

  /** Header with {@link #nonce}. */
  public static final String NONCE = "X-Bdt-Nonce";

  /** Header with the 65-byte signature r||s||v, {@code 0x}-hex. */
  public static final String SIGNATURE = "X-Bdt-Signature";

  /** First line of the signed text: the scheme and its version. */
  public static final String SCHEME = "bdt-gateway-request/1";

  private static final Pattern NONCE_FORM = Pattern.compile("[0-9A-Za-z_-]{16,64}");
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final SecureRandom RANDOM = new SecureRandom();

  public GatewayRequestProof {
    method = method.toUpperCase(Locale.ROOT);
    audience = audience.toLowerCase(Locale.ROOT);
    if (!audience.isEmpty() && !ADDRESS.matcher(audience).matches()) {
      throw new IllegalArgumentException("audience: must be an address or empty, got " + audience);
    }
    if (bodySha256.length != 32) {
      throw new IllegalArgumentException("bodySha256: must be 32 bytes, got " + bodySha256.length);
    }
    bodySha256 = bodySha256.clone();
    if (!NONCE_FORM.matcher(nonce).matches()) {
      throw new IllegalArgumentException(
          NONCE + ": must be 16..64 characters of [0-9A-Za-z_-], got '" + nonce + "'");
    }
  }

  /** The proof of a request with {@code body}, at {@code timestampMillis}, with a fresh nonce. */
  public static GatewayRequestProof of(
      String method, String path, String audience, byte[] body, long timestampMillis) {
    byte[] n = new byte[16];
    RANDOM.nextBytes(n);
    return new GatewayRequestProof(
        method, path, audience, sha256(body), timestampMillis, HexFormat.of().formatHex(n));
  }

  @Override
  public byte[] bodySha256() {
    return bodySha256.clone();
  }

  /** The text the gateway signs (EIP-191 prefixed when signed): one field per line. */
  public String text() {
    return String.join(
        "\n",
        SCHEME,
        method,
        path,
        audience,
        HexFormat.of().formatHex(bodySha256),
        Long.toString(timestampMillis),
        nonce);
  }

  /** The headers that carry this proof, signed with the gateway's {@code key}. */
  public Map<String, String> headers(ECKeyPair key) {
    Sign.SignatureData s = Sign.signPrefixedMessage(text().getBytes(StandardCharsets.UTF_8), key);
    byte[] signature = new byte[65];
    System.arraycopy(s.getR(), 0, signature, 0, 32);
    System.arraycopy(s.getS(), 0, signature, 32, 32);
    signature[64] = s.getV()[0];
    Map<String, String> h = new LinkedHashMap<>();
    h.put(GATEWAY, "0x" + Keys.getAddress(key));
    h.put(TIMESTAMP, Long.toString(timestampMillis));
    h.put(NONCE, nonce);
    h.put(SIGNATURE, Numeric.toHexString(signature));
    return h;
  }

  /**
   * The address (lower case, {@code 0x}-prefixed) whose key made {@code signatureHex} over this
   * proof's text.
   *
   * @throws IllegalArgumentException if the signature is not 65 bytes of hex or recovers no key
   */
  public String signer(String signatureHex) {
    byte[] sig;
    try {
      sig = Numeric.hexStringToByteArray(signatureHex);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(SIGNATURE + ": not hex");
    }
    if (sig.length != 65) {
      throw new IllegalArgumentException(SIGNATURE + ": must be 65 bytes, got " + sig.length);
    }
    byte v = sig[64] < 27 ? (byte) (sig[64] + 27) : sig[64];
    if (v != 27 && v != 28) {
      throw new IllegalArgumentException(SIGNATURE + ": v must be 27 or 28, got " + sig[64]);
    }
    byte[] r = java.util.Arrays.copyOfRange(sig, 0, 32);
    byte[] s = java.util.Arrays.copyOfRange(sig, 32, 64);
    try {
      return "0x"
          + Keys.getAddress(
              Sign.signedPrefixedMessageToKey(
                  text().getBytes(StandardCharsets.UTF_8), new Sign.SignatureData(v, r, s)));
    } catch (SignatureException | RuntimeException e) {
      throw new IllegalArgumentException(SIGNATURE + ": recovers no key (" + e.getMessage() + ")");
    }
  }

  /** Whether {@code value} has the form of a gateway address header. */
  public static boolean isAddress(String value) {
    return value != null && ADDRESS.matcher(value).matches();
  }

  /** SHA-256 of {@code bytes}. */
  public static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
