package io.bdt.consensus.p2p;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The first message each side of a peer connection sends: protocol version, chain id, genesis hash,
 * canonical head (number and hash) and a fresh 32-byte nonce that the other side must sign back in
 * its {@code auth} message to prove it holds the node key that signed the hello.
 */
public record Hello(
    int version, long chainId, String genesis, long number, String head, String nonce) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);

  /** This hello as an envelope payload (JSON). */
  public String payload() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a hello payload; {@link IllegalArgumentException} names what is wrong. */
  public static Hello parse(String payload) {
    try {
      Hello h = JSON.readValue(payload, Hello.class);
      if (h.genesis() == null || h.head() == null || h.nonce() == null) {
        throw new IllegalArgumentException("hello: genesis, head and nonce are required");
      }
      return h;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("hello: " + e.getOriginalMessage());
    }
  }
}
