package io.bdt.consensus.block;

import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.web3j.crypto.Hash;

/** Keccak-256, the hash of every Ethereum structure (not NIST SHA3-256). */
public final class Keccak {
  private Keccak() {}

  /** Keccak-256 of {@code input}. */
  public static Bytes32 of(Bytes input) {
    return Bytes32.wrap(Hash.sha3(input.toArrayUnsafe()));
  }

  /** Keccak-256 of {@code input}. */
  public static Bytes32 of(byte[] input) {
    return Bytes32.wrap(Hash.sha3(input));
  }
}
