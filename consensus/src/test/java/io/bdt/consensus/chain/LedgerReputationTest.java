package io.bdt.consensus.chain;

import static io.bdt.consensus.Fixtures.ALICE;
import static io.bdt.consensus.Fixtures.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.consensus.Fixtures;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.evm.StateStore;
import io.bdt.consensus.pow.Miner;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.consensus.store.ChainStore;
import io.bdt.consensus.tx.SignedTransaction;
import io.bdt.consensus.validation.InvalidBlockException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.ContractUtils;

/** Difficulty follows the reputation recorded on chain (a ledger contract) at the parent block. */
class LedgerReputationTest {
  static final String LEDGER =
      ContractUtils.generateContractAddress(ALICE.getAddress(), BigInteger.ZERO);
  static final ChainSpec SPEC =
      new ChainSpec(
          TestChain.SPEC.chainId(),
          TestChain.SPEC.gasLimit(),
          TestChain.SPEC.baseFeePerGas(),
          TestChain.SPEC.timestamp(),
          TestChain.SPEC.difficulty(),
          TestChain.SPEC.alloc(),
          TestChain.SPEC.accessPoints(),
          LEDGER);

  @Test
  void difficultyFollowsLedgerReputationFromTheBlockAfterItIsRecorded(@TempDir Path dir) {
    try (ChainStore store = new ChainStore(dir.resolve("blocks"));
        StateStore states = new StateStore(dir.resolve("state"))) {
      Blockchain chain =
          new Blockchain(SPEC, store, states, SPEC.reputationSource(states), Clock.systemUTC());
      BlockProducer bob =
          new BlockProducer(
              chain,
              new TransactionPool(SPEC.chainId(), 100),
              new Miner(MiningShare.full(1)),
              BOB.getEcKeyPair(),
              Clock.systemUTC());
      Bytes deploy = Bytes.fromHexString(Fixtures.resource("/contracts/LedgerStub.bin").trim());
      Bytes setBob =
          Bytes.fromHexString(
              FunctionEncoder.encode(
                  new Function(
                      "set",
                      List.of(
                          new Address(BOB.getAddress()),
                          new Uint256(new BigInteger("200000000000000000"))),
                      List.of())));
      List<SignedTransaction> txs =
          List.of(
              SignedTransaction.decode(
                  Fixtures.eip1559(ALICE, 0, null, BigInteger.ZERO, deploy, 1_000_000)),
              SignedTransaction.decode(
                  Fixtures.eip1559(ALICE, 1, LEDGER, BigInteger.ZERO, setBob, 100_000)));

      // block 1: ledger not deployed at genesis, so the genesis table (R = 0.9) sets D = 42
      Block first =
          bob.mineOn(chain.head(), txs, new ArrayList<>(), () -> false).orElseThrow().block();
      assertThat(first.transactions()).hasSize(2);
      assertThat(first.header().difficulty()).isEqualTo(BigInteger.valueOf(42));
      chain.importBlock(first);

      // block 2: the ledger at block 1 says R = 0.2, so D = floor(256 exp(-0.4)) = 171
      Block second =
          bob.mineOn(chain.head(), List.of(), new ArrayList<>(), () -> false).orElseThrow().block();
      assertThat(second.header().difficulty()).isEqualTo(BigInteger.valueOf(171));
      assertThat(chain.importBlock(second)).isEqualTo(Blockchain.ImportResult.NEW_HEAD);
    }
  }

  @Test
  void rejectsBlockClaimingTheGenesisReputationOnceTheLedgerRecordsLower(@TempDir Path dir) {
    try (ChainStore store = new ChainStore(dir.resolve("blocks"));
        StateStore states = new StateStore(dir.resolve("state"))) {
      Blockchain chain =
          new Blockchain(SPEC, store, states, SPEC.reputationSource(states), Clock.systemUTC());
      BlockProducer bob =
          new BlockProducer(
              chain,
              new TransactionPool(SPEC.chainId(), 100),
              new Miner(MiningShare.full(1)),
              BOB.getEcKeyPair(),
              Clock.systemUTC());
      Bytes deploy = Bytes.fromHexString(Fixtures.resource("/contracts/LedgerStub.bin").trim());
      Bytes setBob =
          Bytes.fromHexString(
              FunctionEncoder.encode(
                  new Function(
                      "set",
                      List.of(
                          new Address(BOB.getAddress()),
                          new Uint256(new BigInteger("200000000000000000"))),
                      List.of())));
      chain.importBlock(
          bob.mineOn(
                  chain.head(),
                  List.of(
                      SignedTransaction.decode(
                          Fixtures.eip1559(ALICE, 0, null, BigInteger.ZERO, deploy, 1_000_000)),
                      SignedTransaction.decode(
                          Fixtures.eip1559(ALICE, 1, LEDGER, BigInteger.ZERO, setBob, 100_000))),
                  new ArrayList<>(),
                  () -> false)
              .orElseThrow()
              .block());
      BlockHeader honest =
          bob.mineOn(chain.head(), List.of(), new ArrayList<>(), () -> false)
              .orElseThrow()
              .block()
              .header();
      BlockHeader stale =
          new BlockHeader(
              honest.parentHash(),
              honest.miner(),
              honest.stateRoot(),
              honest.transactionsRoot(),
              honest.receiptsRoot(),
              honest.logsBloom(),
              BigInteger.valueOf(42),
              honest.number(),
              honest.gasLimit(),
              honest.gasUsed(),
              honest.timestamp(),
              Bytes.EMPTY,
              Bytes32.ZERO,
              0,
              honest.baseFee());

      assertThatThrownBy(
              () ->
                  chain.importBlock(
                      new Block(bob.seal(stale, () -> false).orElseThrow(), List.of())))
          .isInstanceOf(InvalidBlockException.class)
          .hasMessageContaining("reputation 0.2")
          .hasMessageContaining("must use D_m = 171");
    }
  }
}
