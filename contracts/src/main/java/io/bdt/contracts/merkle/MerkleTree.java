package io.bdt.contracts.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.web3j.crypto.Hash;

/**
 * A Merkle tree over a batch of items (twin snapshots, inference results) in TwinAnchor's scheme:
 * leaf = keccak256(0x00 || item), inner node = keccak256(0x01 || min(a, b) || max(a, b)) with the
 * two children ordered as unsigned 256-bit numbers, and a node without a sibling moved up
 * unchanged. The 0x00/0x01 prefixes keep leaves and inner nodes apart (no second preimages); sorted
 * pairs make a proof just the sibling hashes from the leaf up. Pure: no I/O.
 */
public final class MerkleTree {
  private static final byte LEAF = 0x00;
  private static final byte NODE = 0x01;

  /** levels.get(0) are the leaf hashes, the last level holds only the root. */
  private final List<byte[][]> levels;

  private MerkleTree(List<byte[][]> levels) {
    this.levels = levels;
  }

  /**
   * Builds the tree of {@code items} in order.
   *
   * @throws IllegalArgumentException if there are no items
   */
  public static MerkleTree of(List<byte[]> items) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("items: a Merkle tree needs at least one item");
    }
    byte[][] level = new byte[items.size()][];
    for (int i = 0; i < level.length; i++) {
      level[i] = leafHash(Objects.requireNonNull(items.get(i), "items[" + i + "]"));
    }
    List<byte[][]> levels = new ArrayList<>();
    levels.add(level);
    while (level.length > 1) {
      byte[][] up = new byte[(level.length + 1) / 2][];
      for (int i = 0; i < up.length; i++) {
        up[i] = 2 * i + 1 < level.length ? nodeHash(level[2 * i], level[2 * i + 1]) : level[2 * i];
      }
      levels.add(up);
      level = up;
    }
    return new MerkleTree(levels);
  }

  /** Number of items. */
  public int size() {
    return levels.get(0).length;
  }

  /** The 32-byte root that TwinAnchor stores. */
  public byte[] root() {
    return levels.get(levels.size() - 1)[0].clone();
  }

  /** The leaf hash of item {@code index}. */
  public byte[] leaf(int index) {
    checkIndex(index);
    return levels.get(0)[index].clone();
  }

  /** Sibling hashes from item {@code index}'s leaf up to the root (levels without one skipped). */
  public List<byte[]> proof(int index) {
    checkIndex(index);
    List<byte[]> proof = new ArrayList<>();
    int i = index;
    for (int l = 0; l < levels.size() - 1; l++) {
      byte[][] level = levels.get(l);
      int sibling = i ^ 1;
      if (sibling < level.length) {
        proof.add(level[sibling].clone());
      }
      i /= 2;
    }
    return proof;
  }

  /** Whether {@code proof} leads from {@code item}'s leaf to {@code root}, as TwinAnchor checks. */
  public static boolean verify(byte[] root, byte[] item, List<byte[]> proof) {
    byte[] node = leafHash(item);
    for (byte[] sibling : proof) {
      if (sibling.length != 32) {
        return false;
      }
      node = nodeHash(node, sibling);
    }
    return Arrays.equals(node, root);
  }

  /** keccak256(0x00 || item). */
  public static byte[] leafHash(byte[] item) {
    byte[] in = new byte[item.length + 1];
    in[0] = LEAF;
    System.arraycopy(item, 0, in, 1, item.length);
    return Hash.sha3(in);
  }

  /** keccak256(0x01 || min(a, b) || max(a, b)). */
  public static byte[] nodeHash(byte[] a, byte[] b) {
    boolean aFirst = Arrays.compareUnsigned(a, b) < 0;
    byte[] in = new byte[65];
    in[0] = NODE;
    System.arraycopy(aFirst ? a : b, 0, in, 1, 32);
    System.arraycopy(aFirst ? b : a, 0, in, 33, 32);
    return Hash.sha3(in);
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= size()) {
      throw new IndexOutOfBoundsException(
          "index: " + index + " is not an item of a tree of " + size());
    }
  }
}
