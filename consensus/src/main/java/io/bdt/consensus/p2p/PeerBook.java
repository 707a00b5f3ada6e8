package io.bdt.consensus.p2p;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.tuweni.bytes.Bytes;

/**
 * Whom this node keeps connected: the peer URLs it dials (configured, added, learned from hellos),
 * those the operator refused, each URL's redial backoff, and the node addresses banned for invalid
 * data.
 */
final class PeerBook {
  private record Retry(Instant next, Duration delay) {}

  private final URI self;
  private final Clock clock;
  private final Set<URI> peers = ConcurrentHashMap.newKeySet();
  private final Set<URI> initial;
  private final Set<URI> refused = ConcurrentHashMap.newKeySet();
  private final Map<URI, Retry> retries = new ConcurrentHashMap<>();
  private final Map<Bytes, Instant> banned = new ConcurrentHashMap<>();

  PeerBook(URI self, Collection<URI> initialPeers, Clock clock) {
    this.self = self;
    this.clock = clock;
    this.initial = Set.copyOf(initialPeers);
    for (URI p : initial) {
      if (!p.equals(self)) {
        peers.add(p);
      }
    }
  }

  Set<URI> peers() {
    return Set.copyOf(peers);
  }

  /** Adds a peer URL learnt from a completed handshake, unless refused or our own. */
  void learn(URI peer) {
    if (peer != null && !refused.contains(peer) && !peer.equals(self)) {
      peers.add(peer);
    }
  }

  /** Stops dialling {@code peer} (null: nothing to forget). */
  void forget(URI peer) {
    if (peer != null) {
      peers.remove(peer);
    }
  }

  /** The operator's connect: accept and dial {@code peer} again. */
  void connect(URI peer) {
    refused.remove(peer);
    retries.remove(peer);
    if (!peer.equals(self)) {
      peers.add(peer);
    }
  }

  /** The operator's disconnect: refuse {@code peer} until {@link #connect}. */
  void refuse(URI peer) {
    refused.add(peer);
    peers.remove(peer);
  }

  boolean isRefused(URI peer) {
    return peer != null && refused.contains(peer);
  }

  /** When the ban of {@code node} ends, if it is banned now. */
  Optional<Instant> bannedUntil(Bytes node) {
    Instant until = banned.get(node);
    return until != null && until.isAfter(clock.instant()) ? Optional.of(until) : Optional.empty();
  }

  void ban(Bytes node, Duration period) {
    banned.put(node, clock.instant().plus(period));
  }

  Set<Bytes> banned() {
    Instant now = clock.instant();
    return banned.entrySet().stream()
        .filter(e -> e.getValue().isAfter(now))
        .map(Map.Entry::getKey)
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Drops bans that have ended. */
  void expireBans() {
    Instant now = clock.instant();
    banned.values().removeIf(until -> !until.isAfter(now));
  }

  /**
   * Schedules the next dial of {@code dialed} after its connection closed: at once after a
   * connection that completed its handshake, otherwise with the delay doubled up to the maximum.
   */
  void backoff(URI dialed, boolean wasLinked) {
    Retry previous = retries.get(dialed);
    Duration delay =
        wasLinked || previous == null
            ? PeerNetwork.MIN_BACKOFF
            : previous.delay().multipliedBy(2).compareTo(PeerNetwork.MAX_BACKOFF) > 0
                ? PeerNetwork.MAX_BACKOFF
                : previous.delay().multipliedBy(2);
    retries.put(dialed, new Retry(clock.instant().plus(delay), delay));
  }

  /** The peers to dial now: known, not refused, not linked or connecting, backoff over. */
  List<URI> due(Set<URI> connecting) {
    Instant now = clock.instant();
    return peers.stream()
        .filter(p -> !refused.contains(p) && !p.equals(self) && !connecting.contains(p))
        .filter(p -> retries.get(p) == null || !retries.get(p).next().isAfter(now))
        .toList();
  }

  /** Whether every configured peer has either connected or failed at least once. */
  boolean firstContactDone(Set<URI> linked) {
    for (URI p : peers) {
      if (initial.contains(p) && !linked.contains(p) && !retries.containsKey(p)) {
        return false;
      }
    }
    return true;
  }
}
