package io.bdt.consensus.evm;

import static io.bdt.consensus.Fixtures.ALICE;
import static io.bdt.consensus.Fixtures.BOB;
import static io.bdt.consensus.Fixtures.ETHER;
import static io.bdt.consensus.Fixtures.GWEI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.consensus.Fixtures;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.block.Keccak;
import io.bdt.consensus.block.Receipt;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import io.horizen.evm.Address;
import io.horizen.evm.StateDB;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;

class TransactionProcessorTest {
  static final Bytes MINER = Bytes.fromHexString("0x00000000000000000000000000000000000000aa");
  static final BlockEnvironment ENV =
      new BlockEnvironment(
          Fixtures.CHAIN_ID, MINER, 30_000_000, 1, 1_700_000_000, GWEI, n -> Bytes32.ZERO);

  @TempDir Path dir;
  StateStore states;
  Bytes32 genesisRoot;

  @BeforeEach
  void fundAlice() {
    states = new StateStore(dir.resolve("state"));
    genesisRoot =
        states.withState(
            BlockHeader.EMPTY_TRIE_ROOT,
            s -> {
              s.addBalance(addr(ALICE.getAddress()), ETHER);
              return Bytes32.wrap(s.commit().toBytes());
            });
  }

  @AfterEach
  void close() {
    states.close();
  }

  static Address addr(String hex) {
    return new Address(hex);
  }

  static Bytes call(String name) {
    return Bytes.fromHexString(FunctionEncoder.encode(new Function(name, List.of(), List.of())));
  }

  @Test
  void deploysContractAtSenderNonceAddressAndChargesGas() {
    SignedTransaction deploy =
        SignedTransaction.decode(
            Fixtures.eip1559(
                ALICE, 0, null, BigInteger.ZERO, Fixtures.counterInitCode(5), 500_000));

    states.withState(
        genesisRoot,
        (StateDB s) -> {
          Receipt r = TransactionProcessor.apply(s, deploy, 0, ENV, 0);

          assertThat(r.success()).isTrue();
          String expected =
              org.web3j.crypto.ContractUtils.generateContractAddress(
                  ALICE.getAddress(), BigInteger.ZERO);
          assertThat(r.contractAddress()).contains(Bytes.fromHexString(expected));
          assertThat(s.getNonce(addr(ALICE.getAddress()))).isEqualTo(BigInteger.ONE);
          // effective price = baseFee (1 gwei) + tip (1 gwei); tip goes to the miner
          BigInteger paid = GWEI.multiply(BigInteger.TWO).multiply(BigInteger.valueOf(r.gasUsed()));
          assertThat(s.getBalance(addr(ALICE.getAddress()))).isEqualTo(ETHER.subtract(paid));
          assertThat(s.getBalance(new Address(MINER.toArrayUnsafe())))
              .isEqualTo(GWEI.multiply(BigInteger.valueOf(r.gasUsed())));
          assertThat(r.gasUsed())
              .isGreaterThan(TransactionProcessor.intrinsicGas(deploy.data(), true));
          return null;
        });
  }

  @Test
  void callEmitsLogAndRevertKeepsReason() {
    SignedTransaction deploy =
        SignedTransaction.decode(
            Fixtures.eip1559(
                ALICE, 0, null, BigInteger.ZERO, Fixtures.counterInitCode(5), 500_000));
    String contract =
        org.web3j.crypto.ContractUtils.generateContractAddress(ALICE.getAddress(), BigInteger.ZERO);
    SignedTransaction increment =
        SignedTransaction.decode(
            Fixtures.legacy(ALICE, 1, contract, BigInteger.ZERO, call("increment"), 100_000));
    SignedTransaction fail =
        SignedTransaction.decode(
            Fixtures.eip1559(ALICE, 2, contract, BigInteger.ZERO, call("fail"), 100_000));

    states.withState(
        genesisRoot,
        (StateDB s) -> {
          Receipt d = TransactionProcessor.apply(s, deploy, 0, ENV, 0);
          Receipt inc = TransactionProcessor.apply(s, increment, 1, ENV, d.cumulativeGasUsed());
          Receipt f = TransactionProcessor.apply(s, fail, 2, ENV, inc.cumulativeGasUsed());

          assertThat(inc.success()).isTrue();
          assertThat(inc.logs()).hasSize(1);
          assertThat(inc.logs().get(0).topics().get(0))
              .isEqualTo(Keccak.of("Incremented(address,uint256)".getBytes()));
          assertThat(inc.logs().get(0).data().toUnsignedBigInteger())
              .isEqualTo(BigInteger.valueOf(6));
          assertThat(f.success()).isFalse();
          assertThat(f.cumulativeGasUsed()).isEqualTo(inc.cumulativeGasUsed() + f.gasUsed());
          String reason = RevertReason.decode(f.revertData()).orElseThrow();
          assertThat(reason).isEqualTo("Counter: always fails");
          assertThat(s.getNonce(addr(ALICE.getAddress()))).isEqualTo(BigInteger.valueOf(3));
          return null;
        });
  }

  /** Init code that reverts with {@code Error("ctor")}: it copies its own tail and reverts. */
  static Bytes revertingInitCode() {
    Bytes error =
        Bytes.fromHexString(
            FunctionEncoder.encode(
                new Function(
                    "Error", List.of(new org.web3j.abi.datatypes.Utf8String("ctor")), List.of())));
    // CODECOPY(0, 12, 100); REVERT(0, 100): the prefix is 12 bytes, the Error(string) data 100
    return Bytes.concatenate(Bytes.fromHexString("0x6064600c60003960646000fd"), error);
  }

  @Test
  void revertingConstructorKeepsItsRevertDataAndLeavesNoCode() {
    SignedTransaction deploy =
        SignedTransaction.decode(
            Fixtures.eip1559(ALICE, 0, null, BigInteger.ZERO, revertingInitCode(), 200_000));
    Address wouldBe =
        addr(
            org.web3j.crypto.ContractUtils.generateContractAddress(
                ALICE.getAddress(), BigInteger.ZERO));

    states.withState(
        genesisRoot,
        (StateDB s) -> {
          Receipt r = TransactionProcessor.apply(s, deploy, 0, ENV, 0);

          assertThat(r.success()).isFalse();
          assertThat(r.contractAddress()).isEmpty();
          assertThat(RevertReason.decode(r.revertData())).contains("ctor");
          assertThat(s.getCode(wouldBe)).isNullOrEmpty();
          assertThat(s.getNonce(wouldBe)).isZero();
          assertThat(s.getNonce(addr(ALICE.getAddress()))).isEqualTo(BigInteger.ONE);
          return null;
        });
  }

  @Test
  void callOfRevertingConstructorReturnsItsRevertData() {
    states.withState(
        genesisRoot,
        (StateDB s) -> {
          TransactionProcessor.CallResult c =
              TransactionProcessor.call(
                  s,
                  Bytes.fromHexString(ALICE.getAddress()),
                  java.util.Optional.empty(),
                  BigInteger.ZERO,
                  revertingInitCode(),
                  200_000,
                  ENV);

          assertThat(c.success()).isFalse();
          assertThat(c.error()).contains("revert");
          assertThat(RevertReason.decode(c.returnData())).contains("ctor");
          return null;
        });
  }

  @Test
  void rejectsReplayedNonce() {
    SignedTransaction pay =
        SignedTransaction.decode(
            Fixtures.eip1559(ALICE, 0, BOB.getAddress(), BigInteger.ONE, Bytes.EMPTY, 21_000));

    states.withState(
        genesisRoot,
        (StateDB s) -> {
          TransactionProcessor.apply(s, pay, 0, ENV, 0);
          assertThatThrownBy(() -> TransactionProcessor.apply(s, pay, 1, ENV, 21_000))
              .isInstanceOf(InvalidTransactionException.class)
              .hasMessageContaining("nonce too low");
          return null;
        });
  }

  @Test
  void rejectsSenderWhoCannotPayForGas() {
    SignedTransaction pay =
        SignedTransaction.decode(
            Fixtures.eip1559(BOB, 0, ALICE.getAddress(), BigInteger.ONE, Bytes.EMPTY, 21_000));

    states.withState(
        genesisRoot,
        (StateDB s) -> {
          assertThatThrownBy(() -> TransactionProcessor.apply(s, pay, 0, ENV, 0))
              .isInstanceOf(InvalidTransactionException.class)
              .hasMessageContaining("insufficient funds");
          return null;
        });
  }

  @Test
  void ethCallReadsContractWithoutChangingState() {
    SignedTransaction deploy =
        SignedTransaction.decode(
            Fixtures.eip1559(
                ALICE, 0, null, BigInteger.ZERO, Fixtures.counterInitCode(41), 500_000));
    Bytes32 root =
        BlockExecution.run(
                states, genesisRoot, List.of(deploy), ENV, true, new java.util.ArrayList<>())
            .stateRoot();
    Bytes contract =
        Bytes.fromHexString(
            org.web3j.crypto.ContractUtils.generateContractAddress(
                ALICE.getAddress(), BigInteger.ZERO));

    TransactionProcessor.CallResult result =
        states.withState(
            root,
            s ->
                TransactionProcessor.call(
                    s,
                    Bytes.fromHexString(BOB.getAddress()),
                    java.util.Optional.of(contract),
                    BigInteger.ZERO,
                    call("get"),
                    100_000,
                    ENV));

    assertThat(result.success()).isTrue();
    assertThat(result.returnData().toUnsignedBigInteger()).isEqualTo(BigInteger.valueOf(41));
  }
}
