package io.bdt.consensus.chain;

import static io.bdt.consensus.Fixtures.ALICE;
import static io.bdt.consensus.Fixtures.BOB;
import static io.bdt.consensus.Fixtures.CAROL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.consensus.Fixtures;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.pow.ProofOfWork;
import io.bdt.consensus.pow.Seal;
import io.bdt.consensus.tx.SignedTransaction;
import io.bdt.consensus.validation.InvalidBlockException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.SignedRawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.TransactionEncoder;

class BlockImportRulesTest {
  @TempDir Path dir;
  TestChain t;
  BlockProducer bob;
  BlockProducer carol;

  @BeforeEach
  void open() {
    t = new TestChain(dir);
    bob = t.producer(BOB);
    carol = t.producer(CAROL);
  }

  @AfterEach
  void close() {
    t.close();
  }

  SignedTransaction pay(long nonce) {
    return SignedTransaction.decode(
        Fixtures.eip1559(ALICE, nonce, CAROL.getAddress(), BigInteger.ONE, Bytes.EMPTY, 21_000));
  }

  /** A valid block by Bob on the head, not imported. */
  BlockProducer.Mined bobsBlock(List<SignedTransaction> txs) {
    return bob.mineOn(t.chain.head(), txs, new ArrayList<>(), () -> false).orElseThrow();
  }

  /**
   * {@code header} re-mined and re-signed by {@code producer} so only the changed field is wrong.
   */
  static BlockHeader reseal(BlockProducer producer, BlockHeader header) {
    return producer.seal(header.withExtraData(Bytes.EMPTY), () -> false).orElseThrow();
  }

  @Test
  void importsValidMinedBlockAsNewHead() {
    BlockProducer.Mined mined = bobsBlock(List.of(pay(0)));

    assertThat(t.chain.importBlock(mined.block())).isEqualTo(Blockchain.ImportResult.NEW_HEAD);
    assertThat(t.chain.head().number()).isEqualTo(1);
    assertThat(t.store.transaction(mined.block().transactions().get(0).hash())).isPresent();
  }

  @Test
  void minerDifficultyFollowsReputation() {
    BlockHeader bobs = bobsBlock(List.of()).block().header();
    BlockHeader carols =
        carol
            .mineOn(t.chain.head(), List.of(), new ArrayList<>(), () -> false)
            .orElseThrow()
            .block()
            .header();

    // D_m = floor(256 * exp(-2 R)): R = 0.9 -> 42, R = 0.1 -> 209
    assertThat(bobs.difficulty()).isEqualTo(BigInteger.valueOf(42));
    assertThat(carols.difficulty()).isEqualTo(BigInteger.valueOf(209));
  }

  @Test
  void rejectsBlockWithBadProofOfWork() {
    BlockHeader good = bobsBlock(List.of()).block().header();
    long nonce = good.nonce();
    Bytes32 digest;
    do {
      nonce++;
      digest = ProofOfWork.digest(good.powHash(), nonce);
    } while (ProofOfWork.meets(digest, ProofOfWork.target(good.difficulty())));
    BlockHeader bad =
        Seal.sign(good.withPow(nonce, digest).withExtraData(Bytes.EMPTY), BOB.getEcKeyPair());

    assertThatThrownBy(() -> t.chain.importBlock(new Block(bad, List.of())))
        .isInstanceOf(InvalidBlockException.class)
        .hasMessageContaining("pow: digest does not meet the target");
  }

  @Test
  void rejectsBlockSealedByAnotherAp() {
    BlockHeader good = bobsBlock(List.of()).block().header();
    BlockHeader signedByCarol = Seal.sign(good.withExtraData(Bytes.EMPTY), CAROL.getEcKeyPair());

    assertThatThrownBy(() -> t.chain.importBlock(new Block(signedByCarol, List.of())))
        .isInstanceOf(InvalidBlockException.class)
        .hasMessageContaining("seal: signed by");
  }

  @Test
  void rejectsBlockWhoseMinerClaimsHigherReputation() {
    // Carol (R = 0.1, D = 209) claims Bob's difficulty (42) and mines and signs at it
    BlockHeader carols =
        carol
            .mineOn(t.chain.head(), List.of(), new ArrayList<>(), () -> false)
            .orElseThrow()
            .block()
            .header();
    BlockHeader cheap =
        new BlockHeader(
            carols.parentHash(),
            carols.miner(),
            carols.stateRoot(),
            carols.transactionsRoot(),
            carols.receiptsRoot(),
            carols.logsBloom(),
            BigInteger.valueOf(42),
            carols.number(),
            carols.gasLimit(),
            carols.gasUsed(),
            carols.timestamp(),
            Bytes.EMPTY,
            Bytes32.ZERO,
            0,
            carols.baseFee());

    assertThatThrownBy(() -> t.chain.importBlock(new Block(reseal(carol, cheap), List.of())))
        .isInstanceOf(InvalidBlockException.class)
        .hasMessageContaining("difficulty: miner")
        .hasMessageContaining("must use D_m = 209");
  }

  @Test
  void rejectsBlockFromUnregisteredMiner() {
    BlockHeader good = bobsBlock(List.of()).block().header();
    BlockHeader byAlice =
        new BlockHeader(
            good.parentHash(),
            Bytes.fromHexString(ALICE.getAddress()),
            good.stateRoot(),
            good.transactionsRoot(),
            good.receiptsRoot(),
            good.logsBloom(),
            good.difficulty(),
            good.number(),
            good.gasLimit(),
            good.gasUsed(),
            good.timestamp(),
            Bytes.EMPTY,
            Bytes32.ZERO,
            0,
            good.baseFee());
    BlockHeader sealed =
        Seal.sign(
            byAlice.withPow(good.nonce(), good.mixHash()).withExtraData(Bytes.EMPTY),
            ALICE.getEcKeyPair());

    assertThatThrownBy(() -> t.chain.importBlock(new Block(sealed, List.of())))
        .isInstanceOf(InvalidBlockException.class)
        .hasMessageContaining("not in the chain's miner set");
  }

  @Test
  void rejectsBlockWithWrongStateRoot() {
    BlockProducer.Mined mined = bobsBlock(List.of(pay(0)));
    BlockHeader h = mined.block().header();
    BlockHeader wrongRoot =
        new BlockHeader(
            h.parentHash(),
            h.miner(),
            Bytes32.fromHexString("0x01"),
            h.transactionsRoot(),
            h.receiptsRoot(),
            h.logsBloom(),
            h.difficulty(),
            h.number(),
            h.gasLimit(),
            h.gasUsed(),
            h.timestamp(),
            Bytes.EMPTY,
            Bytes32.ZERO,
            0,
            h.baseFee());

    assertThatThrownBy(
            () ->
                t.chain.importBlock(
                    new Block(reseal(bob, wrongRoot), mined.block().transactions())))
        .isInstanceOf(InvalidBlockException.class)
        .hasMessageContaining("stateRoot");
  }

  @Test
  void rejectsBlockWithTransactionWhoseSignatureWasTampered() {
    SignedTransaction genuine = pay(0);
    SignedRawTransaction signed =
        (SignedRawTransaction) TransactionDecoder.decode(genuine.raw().toHexString());
    RawTransaction moreValue =
        RawTransaction.createTransaction(
            Fixtures.CHAIN_ID,
            signed.getNonce(),
            signed.getGasLimit(),
            signed.getTo(),
            Fixtures.ETHER,
            signed.getData(),
            Fixtures.GWEI,
            Fixtures.GWEI.multiply(BigInteger.TWO));
    SignedTransaction tampered =
        SignedTransaction.decode(
            Bytes.wrap(TransactionEncoder.encode(moreValue, signed.getSignatureData())));
    BlockHeader h = bobsBlock(List.of(genuine)).block().header();
    BlockHeader withTamperedTx =
        new BlockHeader(
            h.parentHash(),
            h.miner(),
            h.stateRoot(),
            Block.transactionsRoot(List.of(tampered)),
            h.receiptsRoot(),
            h.logsBloom(),
            h.difficulty(),
            h.number(),
            h.gasLimit(),
            h.gasUsed(),
            h.timestamp(),
            Bytes.EMPTY,
            Bytes32.ZERO,
            0,
            h.baseFee());

    // the signature recovers an account that is not Alice and has nothing to pay with
    assertThatThrownBy(
            () -> t.chain.importBlock(new Block(reseal(bob, withTamperedTx), List.of(tampered))))
        .isInstanceOf(InvalidBlockException.class)
        .hasMessageContaining("insufficient funds");
  }

  @Test
  void rejectsBlockReplayingAnIncludedTransaction() {
    SignedTransaction first = pay(0);
    t.chain.importBlock(bobsBlock(List.of(first)).block());
    BlockProducer.Mined next = bobsBlock(List.of());
    BlockHeader h = next.block().header();
    BlockHeader replay =
        new BlockHeader(
            h.parentHash(),
            h.miner(),
            h.stateRoot(),
            Block.transactionsRoot(List.of(first)),
            h.receiptsRoot(),
            h.logsBloom(),
            h.difficulty(),
            h.number(),
            h.gasLimit(),
            h.gasUsed(),
            h.timestamp(),
            Bytes.EMPTY,
            Bytes32.ZERO,
            0,
            h.baseFee());

    assertThatThrownBy(() -> t.chain.importBlock(new Block(reseal(bob, replay), List.of(first))))
        .isInstanceOf(InvalidBlockException.class)
        .hasMessageContaining("nonce too low");
  }

  @Test
  void rejectsBlockWithUnknownParent() {
    BlockHeader h = bobsBlock(List.of()).block().header();
    BlockHeader orphan =
        new BlockHeader(
            Bytes32.fromHexString("0x02"),
            h.miner(),
            h.stateRoot(),
            h.transactionsRoot(),
            h.receiptsRoot(),
            h.logsBloom(),
            h.difficulty(),
            h.number(),
            h.gasLimit(),
            h.gasUsed(),
            h.timestamp(),
            Bytes.EMPTY,
            Bytes32.ZERO,
            0,
            h.baseFee());

    assertThatThrownBy(() -> t.chain.importBlock(new Block(reseal(bob, orphan), List.of())))
        .isInstanceOf(InvalidBlockException.class)
        .hasMessageContaining("unknown parent");
  }

  @Test
  void blockSurvivesEncodeDecodeWithSameHash() {
    Block block =
        bobsBlock(
                List.of(
                    pay(0),
                    SignedTransaction.decode(
                        Fixtures.legacy(
                            ALICE, 1, BOB.getAddress(), BigInteger.TWO, Bytes.EMPTY, 21_000))))
            .block();

    Block decoded = Block.decode(block.rlp());

    assertThat(decoded).isEqualTo(block);
    assertThat(decoded.hash()).isEqualTo(block.hash());
  }
}
