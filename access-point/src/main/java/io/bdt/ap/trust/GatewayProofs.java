package io.bdt.ap.trust;

import io.bdt.contracts.gateway.GatewayRequestProof;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Checks that a request to this AP comes from a gateway registered on chain, proven per request
 * ({@link GatewayRequestProof}): the signature over method, path, audience (this AP for writes),
 * body hash, timestamp and nonce recovers the claimed {@code X-Bdt-Gateway}; the timestamp is
 * within {@code window} of this AP's clock; the nonce was not seen in the window; the directory
 * knows the gateway. Each refusal is counted by {@link Reason}.
 */
public final class GatewayProofs {

  /** Why a request was refused; {@link #status} is the HTTP answer. */
  public enum Reason {
    MISSING_PROOF(401),
    MALFORMED_PROOF(401),
    STALE_TIMESTAMP(401),
    BAD_SIGNATURE(401),
    REPLAYED(401),
    UNREGISTERED_GATEWAY(403),
    DIRECTORY_UNAVAILABLE(503);

    public final int status;

    Reason(int status) {
      this.status = status;
    }

    /** The metric label: lower case with dashes. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** The outcome of one check. */
  public sealed interface Verdict {
    /** The request is {@code gateway}'s (lower-case address). */
    record Proven(String gateway) implements Verdict {}

    /** The request is refused with {@code reason}; {@code message} says what was wrong. */
    record Refused(Reason reason, String message) implements Verdict {}
  }

  private final GatewayDirectory directory;
  private final Clock clock;
  private final Duration window;
  private final String self;
  private final Map<String, Long> nonces = new ConcurrentHashMap<>();
  private final Map<Reason, AtomicLong> refused = new EnumMap<>(Reason.class);
  private final AtomicLong proven = new AtomicLong();

  /**
   * @param self this AP's address: the audience every write must be signed for
   * @param window largest difference between the request's timestamp and this AP's clock
   */
  public GatewayProofs(GatewayDirectory directory, Clock clock, Duration window, String self) {
    this.directory = directory;
    this.clock = clock;
    this.window = window;
    this.self = self.toLowerCase(Locale.ROOT);
    for (Reason r : Reason.values()) {
      refused.put(r, new AtomicLong());
    }
  }

  /**
   * Checks a request: {@code header} reads its headers by name (null when absent); reads ({@code
   * GET}) are signed with an empty audience, everything else for this AP.
   */
  public Verdict check(String method, String path, byte[] body, UnaryOperator<String> header) {
    String gateway = header.apply(GatewayRequestProof.GATEWAY);
    String timestamp = header.apply(GatewayRequestProof.TIMESTAMP);
    String nonce = header.apply(GatewayRequestProof.NONCE);
    String signature = header.apply(GatewayRequestProof.SIGNATURE);
    if (gateway == null || timestamp == null || nonce == null || signature == null) {
      return refuse(
          Reason.MISSING_PROOF,
          "a gateway request needs the headers "
              + String.join(
                  ", ",
                  GatewayRequestProof.GATEWAY,
                  GatewayRequestProof.TIMESTAMP,
                  GatewayRequestProof.NONCE,
                  GatewayRequestProof.SIGNATURE)
              + " (docs/security.md)");
    }
    if (!GatewayRequestProof.isAddress(gateway)) {
      return refuse(
          Reason.MALFORMED_PROOF,
          GatewayRequestProof.GATEWAY + ": must be 0x + 40 hex digits, got '" + gateway + "'");
    }
    long at;
    try {
      at = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return refuse(
          Reason.MALFORMED_PROOF,
          GatewayRequestProof.TIMESTAMP + ": must be milliseconds since the epoch");
    }
    long now = clock.millis();
    if (Math.abs(now - at) > window.toMillis()) {
      return refuse(
          Reason.STALE_TIMESTAMP,
          GatewayRequestProof.TIMESTAMP
              + ": "
              + (now - at)
              + " ms from this AP's clock, more than the "
              + window.toMillis()
              + " ms window");
    }
    GatewayRequestProof proof;
    String signer;
    try {
      proof =
          new GatewayRequestProof(
              method,
              path,
              "GET".equalsIgnoreCase(method) ? "" : self,
              GatewayRequestProof.sha256(body),
              at,
              nonce);
      signer = proof.signer(signature);
    } catch (IllegalArgumentException e) {
      return refuse(Reason.MALFORMED_PROOF, e.getMessage());
    }
    String claimed = gateway.toLowerCase(Locale.ROOT);
    if (!signer.equals(claimed)) {
      return refuse(
          Reason.BAD_SIGNATURE,
          GatewayRequestProof.SIGNATURE
              + ": not "
              + claimed
              + "'s signature of this request (method, path, audience, body, timestamp, nonce)");
    }
    try {
      if (!directory.isGateway(claimed)) {
        return refuse(
            Reason.UNREGISTERED_GATEWAY,
            claimed + " is not a gateway registered on chain (ReputationLedger.isGateway)");
      }
    } catch (IOException e) {
      return refuse(
          Reason.DIRECTORY_UNAVAILABLE, "cannot read the gateway directory: " + e.getMessage());
    }
    forgetOld(now);
    if (nonces.putIfAbsent(claimed + "/" + nonce, at) != null) {
      return refuse(Reason.REPLAYED, GatewayRequestProof.NONCE + ": already used by " + claimed);
    }
    proven.incrementAndGet();
    return new Verdict.Proven(claimed);
  }

  /** Drops nonces whose timestamps left the window: a replay of them fails the timestamp check. */
  private void forgetOld(long now) {
    if (nonces.size() < 1024) {
      return;
    }
    long oldest = now - window.toMillis() - 1;
    nonces.values().removeIf(t -> t < oldest);
  }

  private Verdict refuse(Reason reason, String message) {
    refused.get(reason).incrementAndGet();
    return new Verdict.Refused(reason, message);
  }

  /** Requests refused for {@code reason} since start. */
  public long refused(Reason reason) {
    return refused.get(reason).get();
  }

  /** Requests proven since start. */
  public long proven() {
    return proven.get();
  }

  /** The replay window. */
  public Duration window() {
    return window;
  }
}
