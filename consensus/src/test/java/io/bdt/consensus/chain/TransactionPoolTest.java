package io.bdt.consensus.chain;

import static io.bdt.consensus.Fixtures.ALICE;
import static io.bdt.consensus.Fixtures.BOB;
import static io.bdt.consensus.Fixtures.CAROL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.consensus.Fixtures;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import java.math.BigInteger;
import org.apache.tuweni.bytes.Bytes;
import org.junit.jupiter.api.Test;

class TransactionPoolTest {
  final TransactionPool pool = new TransactionPool(Fixtures.CHAIN_ID, 100);

  static SignedTransaction pay(org.web3j.crypto.Credentials who, long nonce, long value) {
    return SignedTransaction.decode(
        Fixtures.eip1559(
            who, nonce, CAROL.getAddress(), BigInteger.valueOf(value), Bytes.EMPTY, 21_000));
  }

  static SignedTransaction legacyAt(long nonce, BigInteger gasPrice) {
    var raw =
        org.web3j.crypto.RawTransaction.createEtherTransaction(
            BigInteger.valueOf(nonce),
            gasPrice,
            BigInteger.valueOf(21_000),
            CAROL.getAddress(),
            BigInteger.ONE);
    return SignedTransaction.decode(
        Bytes.wrap(org.web3j.crypto.TransactionEncoder.signMessage(raw, Fixtures.CHAIN_ID, ALICE)));
  }

  @Test
  void servesSendersInArrivalOrderAndEachInNonceOrder() {
    SignedTransaction a1 = pay(ALICE, 1, 1);
    SignedTransaction b0 = pay(BOB, 0, 1);
    SignedTransaction a0 = pay(ALICE, 0, 1);
    pool.add(a1, 0);
    pool.add(b0, 0);
    pool.add(a0, 0);

    assertThat(pool.pending(10)).containsExactly(a0, a1, b0);
  }

  @Test
  void rejectsNonceBelowTheSendersState() {
    assertThatThrownBy(() -> pool.add(pay(ALICE, 2, 1), 3))
        .isInstanceOf(InvalidTransactionException.class)
        .hasMessageContaining("nonce too low");
  }

  @Test
  void replacementNeedsTenPercentHigherFeeCap() {
    pool.add(legacyAt(0, BigInteger.valueOf(100)), 0);

    assertThatThrownBy(() -> pool.add(legacyAt(0, BigInteger.valueOf(105)), 0))
        .isInstanceOf(InvalidTransactionException.class)
        .hasMessageContaining("underpriced");
    SignedTransaction bumped = legacyAt(0, BigInteger.valueOf(110));
    pool.add(bumped, 0);
    assertThat(pool.pending(10)).containsExactly(bumped);
  }

  @Test
  void pruneDropsTransactionsTheNewStateHasConsumed() {
    pool.add(pay(ALICE, 0, 1), 0);
    SignedTransaction next = pay(ALICE, 1, 1);
    pool.add(next, 0);

    pool.prune(sender -> 1L);

    assertThat(pool.pending(10)).containsExactly(next);
    assertThat(pool.size()).isEqualTo(1);
  }
}
