package io.bdt.gateway.access;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A provisioning request id, {@code <client id>.<nonce>}: the last level of the request topic and
 * of the reply topic that carries a device secret. The nonce (128 random bits, fresh per request)
 * is what keeps the reply private on a broker that cannot confine a client to topics naming its own
 * client id (Mosquitto 2.0's dynamic security has no {@code %c}): only the requester and the
 * gateways (the only ones who may read requests) know it, and unlike the client id it is in no
 * broker log line at the default log levels and is no handle for taking over a session. The
 * embedded broker also checks that the id begins with the client's own id.
 */
public final class RequestId {

  /** The nonce's form: at least 128 bits as 32 hex digits (or 22 base64url characters). */
  private static final Pattern NONCE = Pattern.compile("[0-9A-Za-z_-]{22,128}");

  private RequestId() {}

  /** A new request id for client {@code clientId} with a fresh 128-bit nonce. */
  public static String create(String clientId, SecureRandom random) {
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    return clientId + "." + HexFormat.of().formatHex(nonce);
  }

  /** Whether {@code requestId} ends in a nonce ({@code .} and at least 22 nonce characters). */
  public static boolean hasNonce(String requestId) {
    int dot = requestId.lastIndexOf('.');
    return dot > 0 && NONCE.matcher(requestId.substring(dot + 1)).matches();
  }

  /**
   * Whether {@code requestId} is one of client {@code clientId}'s: its client id alone (so a client
   * of the former protocol is told by the gateway why it is refused) or followed by a nonce.
   */
  public static boolean belongsTo(String requestId, String clientId) {
    if (requestId.equals(clientId)) {
      return true;
    }
    return requestId.startsWith(clientId + ".")
        && NONCE.matcher(requestId.substring(clientId.length() + 1)).matches();
  }
}
