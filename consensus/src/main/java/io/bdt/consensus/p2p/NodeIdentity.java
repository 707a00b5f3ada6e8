package io.bdt.consensus.p2p;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.tuweni.bytes.Bytes;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * This node on the wire: its node key, the address it proves, and the P2P URL it advertises; signs
 * every envelope the node sends.
 */
final class NodeIdentity {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ECKeyPair key;
  private final Bytes address;
  private final String listen;

  NodeIdentity(ECKeyPair key, String listen) {
    this.key = key;
    this.address = Bytes.fromHexString(Keys.getAddress(key));
    this.listen = listen;
  }

  Bytes address() {
    return address;
  }

  /** The JSON text of envelope {@code type} with {@code id} and {@code payload}, signed. */
  String signed(String type, long id, String payload) {
    try {
      return JSON.writeValueAsString(Envelope.sign(type, id, payload, listen, key));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
