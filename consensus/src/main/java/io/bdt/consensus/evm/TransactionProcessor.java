package io.bdt.consensus.evm;

import io.bdt.consensus.block.Log;
import io.bdt.consensus.block.Receipt;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import io.horizen.evm.Address;
import io.horizen.evm.BlockHashCallback;
import io.horizen.evm.Evm;
import io.horizen.evm.EvmContext;
import io.horizen.evm.ForkRules;
import io.horizen.evm.Hash;
import io.horizen.evm.Invocation;
import io.horizen.evm.StateDB;
import io.horizen.evm.results.EvmLog;
import io.horizen.evm.results.InvocationResult;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.web3j.crypto.ContractUtils;

/**
 * Applies one transaction to the state the way go-ethereum's state transition does (Shanghai
 * rules): validity checks, gas purchase, nonce increment, EVM execution through libevm, refund
 * (capped at gasUsed/5), tip to the coinbase, base fee burnt. Gas in gas units, values in wei.
 */
public final class TransactionProcessor {
  /** Gas every transaction pays. */
  public static final long TX_GAS = 21_000;

  /** Extra gas of a contract creation. */
  public static final long CREATE_GAS = 32_000;

  /** EIP-3860 limit on init code (bytes). */
  public static final int MAX_INITCODE_SIZE = 49_152;

  private static final ForkRules SHANGHAI = new ForkRules(true);

  /** The outcome of an EVM call that changes nothing (eth_call, eth_estimateGas). */
  public record CallResult(boolean success, Bytes returnData, long gasUsed, String error) {}

  private TransactionProcessor() {}

  /**
   * Intrinsic gas: base, calldata (4 per zero byte, 16 per other), creation and init code words.
   */
  public static long intrinsicGas(Bytes data, boolean creation) {
    long gas = TX_GAS + (creation ? CREATE_GAS : 0);
    for (int i = 0; i < data.size(); i++) {
      gas += data.get(i) == 0 ? 4 : 16;
    }
    if (creation) {
      gas += 2L * ((data.size() + 31) / 32);
    }
    return gas;
  }

  /**
   * Checks {@code tx} against the state without changing it.
   *
   * @throws InvalidTransactionException naming the rule broken
   */
  public static void check(
      StateDB state, SignedTransaction tx, BlockEnvironment env, long blockGasLeft) {
    check(state, tx, env, blockGasLeft, new KnownSenders());
  }

  private static void check(
      StateDB state,
      SignedTransaction tx,
      BlockEnvironment env,
      long blockGasLeft,
      KnownSenders known) {
    if (tx.chainId() != env.chainId()) {
      // before reading the state: a wrong chain id is rejected whatever the sender's account
      check(tx, env, blockGasLeft, tx.nonce(), BigInteger.ZERO, () -> BigInteger.ZERO);
    }
    KnownSenders.Account account = known.account(state, tx.sender());
    check(
        tx,
        env,
        blockGasLeft,
        account.nonce(),
        account.balanceAtLeast(),
        () -> known.exactBalance(state, tx.sender()));
  }

  /**
   * Checks {@code tx} against its sender's account: {@code stateNonce}, a balance of at least
   * {@code balanceAtLeast} wei, and {@code exactBalance} read only when that bound does not cover
   * the cost.
   *
   * @throws InvalidTransactionException naming the rule broken
   */
  public static void check(
      SignedTransaction tx,
      BlockEnvironment env,
      long blockGasLeft,
      long stateNonce,
      BigInteger balanceAtLeast,
      Supplier<BigInteger> exactBalance) {
    if (tx.chainId() != env.chainId()) {
      throw new InvalidTransactionException(
          "transaction.chainId: expected " + env.chainId() + ", got " + tx.chainId());
    }
    long expectedNonce = stateNonce;
    if (tx.nonce() < expectedNonce) {
      throw new InvalidTransactionException(
          "transaction.nonce: nonce too low (expected "
              + expectedNonce
              + ", got "
              + tx.nonce()
              + ")");
    }
    if (tx.nonce() > expectedNonce) {
      throw InvalidTransactionException.nonceTooHigh(expectedNonce, tx.nonce());
    }
    if (tx.gasLimit() > blockGasLeft) {
      throw new InvalidTransactionException(
          "transaction.gas: exceeds the gas left in the block (" + blockGasLeft + ")");
    }
    if (tx.fee().maxPricePerGas().compareTo(env.baseFee()) < 0) {
      throw new InvalidTransactionException(
          "transaction fee: max fee per gas "
              + tx.fee().maxPricePerGas()
              + " is below the base fee "
              + env.baseFee());
    }
    long intrinsic = intrinsicGas(tx.data(), tx.isContractCreation());
    if (tx.gasLimit() < intrinsic) {
      throw new InvalidTransactionException(
          "transaction.gas: intrinsic gas too low (need "
              + intrinsic
              + ", got "
              + tx.gasLimit()
              + ")");
    }
    if (tx.isContractCreation() && tx.data().size() > MAX_INITCODE_SIZE) {
      throw new InvalidTransactionException(
          "transaction.data: init code exceeds " + MAX_INITCODE_SIZE + " bytes (EIP-3860)");
    }
    BigInteger cost =
        tx.fee().maxPricePerGas().multiply(BigInteger.valueOf(tx.gasLimit())).add(tx.value());
    if (balanceAtLeast.compareTo(cost) >= 0) {
      return;
    }
    BigInteger balance = exactBalance.get();
    if (balance.compareTo(cost) < 0) {
      throw new InvalidTransactionException(
          "transaction: insufficient funds for gas * price + value (balance "
              + balance
              + ", cost "
              + cost
              + ")");
    }
  }

  /**
   * Applies {@code tx} at position {@code index} of the block; {@code cumulativeGasBefore} is the
   * gas used by the transactions before it.
   *
   * @throws InvalidTransactionException if the transaction is invalid (state unchanged)
   */
  public static Receipt apply(
      StateDB state,
      SignedTransaction tx,
      int index,
      BlockEnvironment env,
      long cumulativeGasBefore) {
    return apply(state, tx, index, env, cumulativeGasBefore, new KnownSenders());
  }

  /**
   * As {@link #apply(StateDB, SignedTransaction, int, BlockEnvironment, long)}, with what the
   * block's execution already knows of the senders (updated here), so that a sender's later
   * transactions in the block skip reading its nonce and balance.
   */
  public static Receipt apply(
      StateDB state,
      SignedTransaction tx,
      int index,
      BlockEnvironment env,
      long cumulativeGasBefore,
      KnownSenders known) {
    check(state, tx, env, env.gasLimit() - cumulativeGasBefore, known);
    Address sender = new Address(tx.sender().toArrayUnsafe());
    Address coinbase = new Address(env.coinbase().toArrayUnsafe());
    Address to = tx.to().map(b -> new Address(b.toArrayUnsafe())).orElse(null);
    BigInteger price = tx.fee().effectivePrice(env.baseFee());
    state.subBalance(sender, price.multiply(BigInteger.valueOf(tx.gasLimit())));
    state.setNonce(sender, BigInteger.valueOf(tx.nonce() + 1));
    state.accessSetup(sender, to, coinbase, SHANGHAI);
    Hash txHash = new Hash(tx.hash().toArrayUnsafe());
    state.setTxContext(txHash, index);
    long intrinsic = intrinsicGas(tx.data(), tx.isContractCreation());
    InvocationResult result;
    Bytes revertData;
    try (Ancestors ancestors = new Ancestors(env)) {
      EvmContext context = context(env, price, ancestors);
      BigInteger gas = BigInteger.valueOf(tx.gasLimit() - intrinsic);
      result =
          Evm.Apply(
              state,
              new Invocation(sender, to, tx.value(), tx.data().toArrayUnsafe(), gas, false),
              context);
      revertData =
          revertData(state, result, sender, to, tx.nonce(), tx.value(), tx.data(), gas, context);
    }
    long leftOver = result.leftOverGas.longValueExact();
    // EVM code that used no gas ran no LOG and no SSTORE (both cost gas): a plain transfer then
    // skips two native calls, reading the refund counter and the logs
    boolean codeUsedGas = leftOver < tx.gasLimit() - intrinsic;
    long gasUsed = tx.gasLimit() - leftOver;
    long refund = codeUsedGas ? Math.min(state.getRefund().longValueExact(), gasUsed / 5) : 0;
    gasUsed -= refund;
    state.addBalance(sender, price.multiply(BigInteger.valueOf(tx.gasLimit() - gasUsed)));
    state.addBalance(
        coinbase, tx.fee().minerTip(env.baseFee()).multiply(BigInteger.valueOf(gasUsed)));
    boolean success = result.executionError == null || result.executionError.isEmpty();
    List<Log> logs = new ArrayList<>();
    // a failed call's logs are discarded, so they are not read either
    EvmLog[] emitted = success && codeUsedGas ? state.getLogs(txHash) : new EvmLog[0];
    for (EvmLog l : emitted) {
      List<Bytes32> topics = new ArrayList<>();
      for (Hash t : l.topics) {
        topics.add(Bytes32.wrap(t.toBytes()));
      }
      logs.add(new Log(Bytes.wrap(l.address.toBytes()), topics, bytes(l.data)));
    }
    state.finalizeChanges();
    if (tx.isContractCreation()) {
      known.forget(tx.sender());
    } else {
      known.applied(
          tx.sender(), tx.nonce() + 1, price.multiply(BigInteger.valueOf(gasUsed)).add(tx.value()));
    }
    Optional<Bytes> created =
        tx.isContractCreation() && success && result.contractAddress != null
            ? Optional.of(Bytes.wrap(result.contractAddress.toBytes()))
            : Optional.empty();
    return new Receipt(
        tx.type().getRlpType() == null ? 0 : tx.type().getRlpType(),
        success,
        cumulativeGasBefore + gasUsed,
        success ? logs : List.of(),
        gasUsed,
        created,
        revertData);
  }

  /**
   * The revert data of {@code result}. libevm drops the return data of a contract creation, so for
   * a reverted constructor the init code runs once more as the code of the address it would have
   * created, inside a snapshot that is then reverted: same sender, value, gas and block, so the
   * same revert data, and no trace in the state.
   */
  private static Bytes revertData(
      StateDB state,
      InvocationResult result,
      Address sender,
      Address to,
      long nonce,
      BigInteger value,
      Bytes initCode,
      BigInteger gas,
      EvmContext context) {
    if (!result.reverted) {
      return Bytes.EMPTY;
    }
    Bytes data = bytes(result.returnData);
    if (to != null || !data.isEmpty()) {
      return data;
    }
    Address created =
        result.contractAddress != null
            ? result.contractAddress
            : new Address(
                ContractUtils.generateContractAddress(sender.toBytes(), BigInteger.valueOf(nonce)));
    int snapshot = state.snapshot();
    try {
      state.setCode(created, initCode.toArrayUnsafe());
      InvocationResult replay =
          Evm.Apply(
              state, new Invocation(sender, created, value, new byte[0], gas, false), context);
      return replay.reverted ? bytes(replay.returnData) : Bytes.EMPTY;
    } finally {
      state.revertToSnapshot(snapshot);
    }
  }

  /**
   * Runs a message call without nonce, fee or balance checks, as eth_call does; the caller discards
   * the state afterwards.
   */
  public static CallResult call(
      StateDB state,
      Bytes from,
      Optional<Bytes> to,
      BigInteger value,
      Bytes data,
      long gas,
      BlockEnvironment env) {
    Address sender = new Address(from.toArrayUnsafe());
    Address callee = to.map(b -> new Address(b.toArrayUnsafe())).orElse(null);
    long intrinsic = intrinsicGas(data, to.isEmpty());
    if (gas < intrinsic) {
      return new CallResult(false, Bytes.EMPTY, gas, "intrinsic gas too low");
    }
    if (value.signum() > 0) {
      // a call that sends value from an account that cannot pay fails, as in geth
      if (state.getBalance(sender).compareTo(value) < 0) {
        return new CallResult(false, Bytes.EMPTY, intrinsic, "insufficient funds for transfer");
      }
    }
    long nonce = state.getNonce(sender).longValueExact();
    if (to.isEmpty()) {
      state.setNonce(sender, BigInteger.valueOf(nonce + 1));
    }
    state.accessSetup(sender, callee, new Address(env.coinbase().toArrayUnsafe()), SHANGHAI);
    InvocationResult result;
    Bytes returned;
    try (Ancestors ancestors = new Ancestors(env)) {
      EvmContext context = context(env, BigInteger.ZERO, ancestors);
      BigInteger available = BigInteger.valueOf(gas - intrinsic);
      result =
          Evm.Apply(
              state,
              new Invocation(sender, callee, value, data.toArrayUnsafe(), available, false),
              context);
      returned =
          result.reverted
              ? revertData(state, result, sender, callee, nonce, value, data, available, context)
              : bytes(result.returnData);
    }
    long used = gas - result.leftOverGas.longValueExact();
    long refund = Math.min(state.getRefund().longValueExact(), used / 5);
    boolean success = result.executionError == null || result.executionError.isEmpty();
    return new CallResult(success, returned, used - refund, success ? "" : result.executionError);
  }

  private static EvmContext context(BlockEnvironment env, BigInteger price, Ancestors ancestors) {
    EvmContext c =
        new EvmContext(
            BigInteger.valueOf(env.chainId()),
            new Address(env.coinbase().toArrayUnsafe()),
            BigInteger.valueOf(env.gasLimit()),
            price,
            BigInteger.valueOf(env.number()),
            BigInteger.valueOf(env.timestamp()),
            env.baseFee(),
            Hash.ZERO,
            SHANGHAI);
    c.setBlockHashCallback(ancestors);
    return c;
  }

  private static Bytes bytes(byte[] b) {
    return b == null ? Bytes.EMPTY : Bytes.wrap(b);
  }

  /** Answers BLOCKHASH from the block environment. */
  private static final class Ancestors extends BlockHashCallback {
    private final BlockEnvironment env;

    Ancestors(BlockEnvironment env) {
      this.env = env;
    }

    @Override
    protected Hash getBlockHash(BigInteger blockNumber) {
      return new Hash(env.ancestorHash().apply(blockNumber.longValueExact()).toArrayUnsafe());
    }
  }
}
