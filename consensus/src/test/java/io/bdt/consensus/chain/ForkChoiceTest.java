package io.bdt.consensus.chain;

import static io.bdt.consensus.Fixtures.ALICE;
import static io.bdt.consensus.Fixtures.BOB;
import static io.bdt.consensus.Fixtures.CAROL;
import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.Fixtures;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.tx.SignedTransaction;
import io.horizen.evm.Address;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForkChoiceTest {
  @TempDir Path dir;

  static SignedTransaction pay(String to, long nonce, BigInteger wei) {
    return SignedTransaction.decode(Fixtures.eip1559(ALICE, nonce, to, wei, Bytes.EMPTY, 21_000));
  }

  static Block mine(BlockProducer p, BlockHeader parent, List<SignedTransaction> txs) {
    return p.mineOn(parent, txs, new ArrayList<>(), () -> false).orElseThrow().block();
  }

  BigInteger balance(TestChain t, String who) {
    return t.states.withState(t.chain.head().stateRoot(), s -> s.getBalance(new Address(who)));
  }

  @Test
  void longerBranchReorganisesCanonicalChainAndState() {
    try (TestChain t = new TestChain(dir)) {
      BlockProducer bob = t.producer(BOB);
      BlockProducer carol = t.producer(CAROL);
      BlockHeader genesis = t.chain.head();
      SignedTransaction toBob = pay(BOB.getAddress(), 0, Fixtures.ETHER);
      SignedTransaction toCarol = pay(CAROL.getAddress(), 0, Fixtures.ETHER);
      Block a1 = mine(bob, genesis, List.of(toBob));
      t.chain.importBlock(a1);
      Block a2 = mine(bob, a1.header(), List.of());
      t.chain.importBlock(a2);
      BigInteger bobWithTransfer = balance(t, BOB.getAddress());

      Block b1 = mine(carol, genesis, List.of(toCarol));
      Block b2 = mine(carol, b1.header(), List.of());
      Block b3 = mine(carol, b2.header(), List.of());

      assertThat(t.chain.importBlock(b1)).isEqualTo(Blockchain.ImportResult.SIDE_BRANCH);
      assertThat(t.chain.importBlock(b2)).isEqualTo(Blockchain.ImportResult.SIDE_BRANCH);
      assertThat(t.chain.head().hash()).isEqualTo(a2.hash());
      assertThat(t.chain.importBlock(b3)).isEqualTo(Blockchain.ImportResult.NEW_HEAD);

      assertThat(t.chain.head().hash()).isEqualTo(b3.hash());
      assertThat(t.store.canonicalHash(1)).contains(b1.hash());
      assertThat(t.store.canonicalHash(2)).contains(b2.hash());
      assertThat(t.store.transaction(toBob.hash())).isEmpty();
      assertThat(t.store.transaction(toCarol.hash())).isPresent();
      // the transfer to Bob and the tips he earned mining branch A are gone with branch A
      assertThat(balance(t, BOB.getAddress())).isZero();
      assertThat(bobWithTransfer).isGreaterThan(Fixtures.ETHER);
      assertThat(balance(t, CAROL.getAddress())).isGreaterThanOrEqualTo(Fixtures.ETHER);
    }
  }

  @Test
  void equalLengthBranchKeepsCurrentHead() {
    try (TestChain t = new TestChain(dir)) {
      BlockHeader genesis = t.chain.head();
      Block a1 = mine(t.producer(BOB), genesis, List.of());
      Block b1 = mine(t.producer(CAROL), genesis, List.of());

      t.chain.importBlock(a1);

      assertThat(t.chain.importBlock(b1)).isEqualTo(Blockchain.ImportResult.SIDE_BRANCH);
      assertThat(t.chain.head().hash()).isEqualTo(a1.hash());
    }
  }

  @Test
  void restartFromDataDirectoryKeepsAllBlocksAndState() {
    Block last;
    try (TestChain t = new TestChain(dir)) {
      BlockProducer bob = t.producer(BOB);
      Block b = null;
      for (int i = 0; i < 5; i++) {
        b = mine(bob, t.chain.head(), List.of(pay(CAROL.getAddress(), i, BigInteger.TEN)));
        t.chain.importBlock(b);
      }
      last = b;
    }

    try (TestChain reopened = new TestChain(dir)) {
      assertThat(reopened.chain.head().hash()).isEqualTo(last.hash());
      for (long n = 0; n <= 5; n++) {
        assertThat(reopened.chain.blockByNumber(n)).isPresent();
      }
      assertThat(balance(reopened, CAROL.getAddress())).isEqualTo(BigInteger.valueOf(50));
      assertThat(reopened.chain.receipts(last.hash())).hasSize(1);
    }
  }
}
