package io.bdt.contracts.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  static List<byte[]> items(int n) {
    List<byte[]> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      items.add(("snapshot-" + i).getBytes(StandardCharsets.UTF_8));
    }
    return items;
  }

  @Test
  void singleItemRootIsItsLeafHashWithEmptyProof() {
    MerkleTree t = MerkleTree.of(items(1));
    assertThat(t.root()).isEqualTo(MerkleTree.leafHash(items(1).get(0)));
    assertThat(t.proof(0)).isEmpty();
  }

  @Test
  void twoItemRootHashesTheSortedLeaves() {
    MerkleTree t = MerkleTree.of(items(2));
    assertThat(t.root()).isEqualTo(MerkleTree.nodeHash(t.leaf(1), t.leaf(0)));
  }

  @Test
  void loneNodeMovesUpUnchanged() {
    MerkleTree t = MerkleTree.of(items(3));
    byte[] left = MerkleTree.nodeHash(t.leaf(0), t.leaf(1));
    assertThat(t.root()).isEqualTo(MerkleTree.nodeHash(left, t.leaf(2)));
    assertThat(t.proof(2)).hasSize(1);
  }

  @Test
  void everyProofOfEveryTreeSizeVerifies() {
    for (int n = 1; n <= 40; n++) {
      List<byte[]> items = items(n);
      MerkleTree t = MerkleTree.of(items);
      for (int i = 0; i < n; i++) {
        assertThat(MerkleTree.verify(t.root(), items.get(i), t.proof(i))).isTrue();
      }
    }
  }

  @Test
  void proofForOneItemDoesNotVerifyAnother() {
    List<byte[]> items = items(9);
    MerkleTree t = MerkleTree.of(items);
    assertThat(MerkleTree.verify(t.root(), items.get(3), t.proof(4))).isFalse();
  }

  @Test
  void anyFlippedProofBitFailsVerification() {
    Random r = new Random(3);
    List<byte[]> items = items(17);
    MerkleTree t = MerkleTree.of(items);
    for (int k = 0; k < 200; k++) {
      int i = r.nextInt(17);
      List<byte[]> proof = t.proof(i);
      byte[] victim = proof.get(r.nextInt(proof.size()));
      victim[r.nextInt(32)] ^= (byte) (1 << r.nextInt(8));
      assertThat(MerkleTree.verify(t.root(), items.get(i), proof)).isFalse();
    }
  }

  @Test
  void changingAnyItemChangesTheRoot() {
    List<byte[]> items = items(6);
    byte[] root = MerkleTree.of(items).root();
    items.set(5, "tampered".getBytes(StandardCharsets.UTF_8));
    assertThat(MerkleTree.of(items).root()).isNotEqualTo(root);
  }

  @Test
  void emptyBatchIsRejected() {
    assertThatThrownBy(() -> MerkleTree.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one item");
  }
}
