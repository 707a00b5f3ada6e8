package io.bdt.gateway.anchor;

import io.bdt.contracts.merkle.MerkleTree;
import java.util.HexFormat;
import java.util.List;

/**
 * The inclusion proof of one anchored item, in the form TwinAnchor's {@code verify(anchorId, item,
 * proof)} takes: hex {@code root}, the {@code item} bytes (hex) and its UTF-8 text, its {@code
 * index} among {@code leafCount} leaves, the sibling hashes bottom-up, and the sink's reference.
 */
public record AnchorProof(
    String root,
    String item,
    String itemText,
    int index,
    int leafCount,
    List<String> proof,
    String reference) {

  public AnchorProof {
    proof = List.copyOf(proof);
  }

  /** The proof of {@code item}, leaf {@code index} of {@code tree}. */
  public static AnchorProof of(MerkleTree tree, byte[] item, int index, String reference) {
    return new AnchorProof(
        hex(tree.root()),
        hex(item),
        new String(item, java.nio.charset.StandardCharsets.UTF_8),
        index,
        tree.size(),
        tree.proof(index).stream().map(AnchorProof::hex).toList(),
        reference);
  }

  private static String hex(byte[] bytes) {
    return "0x" + HexFormat.of().formatHex(bytes);
  }
}
