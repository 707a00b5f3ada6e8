package io.bdt.contracts.anchor;

import static io.bdt.contracts.LiveChain.ADMIN_2;
import static io.bdt.contracts.LiveChain.GATEWAY_2;
import static io.bdt.contracts.LiveChain.MINER;
import static io.bdt.contracts.LiveChain.OUTSIDER;
import static io.bdt.contracts.Reverts.assertReverts;
import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.contracts.GasReport;
import io.bdt.contracts.LiveChain;
import io.bdt.contracts.generated.ReputationLedger;
import io.bdt.contracts.generated.TwinAnchor;
import io.bdt.contracts.merkle.MerkleTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * TwinAnchor on the live node, and agreement of the Java {@link MerkleTree} with the Solidity
 * verifier: the same random trees and proofs verify in both, tampered ones fail in both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwinAnchorTest {
  LiveChain chain;
  TwinAnchor anchor;
  Random random = new Random(11);

  @BeforeAll
  void deploy() throws Exception {
    chain = LiveChain.get();
    ReputationLedger ledger = chain.ledgerWithRoles(ADMIN_2);
    anchor = chain.deployTwinAnchor(ledger);
  }

  List<byte[]> randomItems(int n) {
    List<byte[]> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] item = new byte[random.nextInt(120)];
      random.nextBytes(item);
      items.add(item);
    }
    return items;
  }

  @Test
  void gatewayAnchorsRootAndProofsVerifyAgainstIt() throws Exception {
    List<byte[]> items = randomItems(13);
    MerkleTree tree = MerkleTree.of(items);
    TransactionReceipt tx =
        GasReport.record(
            "TwinAnchor",
            "anchor",
            chain.as(GATEWAY_2, anchor).anchor(tree.root(), BigInteger.valueOf(13)).send());
    var events = TwinAnchor.getAnchoredEvents(tx);
    assertThat(events).hasSize(1);
    BigInteger id = events.get(0).anchorId;
    assertThat(events.get(0).root).isEqualTo(tree.root());
    assertThat(events.get(0).gateway).isEqualToIgnoringCase(GATEWAY_2.getAddress());
    TwinAnchor.Anchor stored = anchor.anchorOf(id).send();
    assertThat(stored.root).isEqualTo(tree.root());
    assertThat(stored.leafCount).isEqualTo(BigInteger.valueOf(13));
    assertThat(stored.blockNumber).isEqualTo(tx.getBlockNumber());
    for (int i = 0; i < items.size(); i++) {
      assertThat(anchor.verify(id, items.get(i), tree.proof(i)).send()).as("item %d", i).isTrue();
    }
    assertThat(anchor.verify(id, randomItems(1).get(0), tree.proof(0)).send()).isFalse();
  }

  @Test
  void nonGatewayCannotAnchor() {
    assertReverts(
        "caller is not a registered gateway",
        () -> chain.as(OUTSIDER, anchor).anchor(new byte[32], BigInteger.ONE).send());
    assertReverts(
        "caller is not a registered gateway",
        () -> chain.as(MINER, anchor).anchor(new byte[32], BigInteger.ONE).send());
  }

  @Test
  void javaAndSolidityAgreeOnRandomTreesAndTamperedProofs() throws Exception {
    int checked = 0;
    for (int size : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 16, 33}) {
      List<byte[]> items = randomItems(size);
      MerkleTree tree = MerkleTree.of(items);
      for (int trial = 0; trial < 3; trial++) {
        int i = random.nextInt(size);
        List<byte[]> proof = tree.proof(i);
        boolean java = MerkleTree.verify(tree.root(), items.get(i), proof);
        boolean solidity = anchor.verifyProof(tree.root(), items.get(i), proof).send();
        assertThat(java).isTrue();
        assertThat(solidity).isTrue();

        List<byte[]> tampered = tamper(proof, items.get(i));
        byte[] item = proof.isEmpty() ? flipOne(items.get(i)) : items.get(i);
        assertThat(MerkleTree.verify(tree.root(), item, tampered)).isFalse();
        assertThat(anchor.verifyProof(tree.root(), item, tampered).send()).isFalse();
        checked++;
      }
    }
    assertThat(checked).isEqualTo(30);
  }

  @Test
  void leafIsNotAcceptedAsInnerNode() throws Exception {
    List<byte[]> items = randomItems(4);
    MerkleTree tree = MerkleTree.of(items);
    // The concatenation of two leaf hashes, offered as an item, must not verify one level up.
    byte[] forged = new byte[64];
    byte[] a = tree.leaf(0);
    byte[] b = tree.leaf(1);
    boolean aFirst = java.util.Arrays.compareUnsigned(a, b) < 0;
    System.arraycopy(aFirst ? a : b, 0, forged, 0, 32);
    System.arraycopy(aFirst ? b : a, 0, forged, 32, 32);
    List<byte[]> upperProof = tree.proof(0).subList(1, tree.proof(0).size());
    assertThat(MerkleTree.verify(tree.root(), forged, upperProof)).isFalse();
    assertThat(anchor.verifyProof(tree.root(), forged, upperProof).send()).isFalse();
  }

  private List<byte[]> tamper(List<byte[]> proof, byte[] item) {
    if (proof.isEmpty()) {
      return proof;
    }
    List<byte[]> t = new ArrayList<>();
    proof.forEach(p -> t.add(p.clone()));
    byte[] victim = t.get(random.nextInt(t.size()));
    victim[random.nextInt(32)] ^= (byte) (1 << random.nextInt(8));
    return t;
  }

  private static byte[] flipOne(byte[] item) {
    if (item.length == 0) {
      return new byte[] {1};
    }
    byte[] c = item.clone();
    c[0] ^= 1;
    return c;
  }
}
