package io.bdt.consensus.pow;

import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.block.Keccak;
import io.bdt.consensus.evm.BlockEnvironment;
import io.bdt.consensus.evm.StateStore;
import io.bdt.consensus.evm.TransactionProcessor;
import io.horizen.evm.Address;
import io.horizen.evm.StateDB;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;

/**
 * Reads R_m from the ReputationLedger contract's state at the parent block: a static call of {@code
 * miningReputation(address) returns (bool registered, uint256 reputation)} (fixed point, 10^18 =
 * 1.0) through the node's own EVM on the parent's state root. Until the ledger is deployed at the
 * genesis-configured address, or for an AP the ledger does not know, the genesis table answers. The
 * miner set ({@link #inMinerSetAt}) is the genesis APs plus the APs the ledger registers: they may
 * join the peer network and seal blocks.
 */
public final class LedgerReputation implements ReputationSource {
  /** Selector of {@code miningReputation(address)}. */
  static final Bytes SELECTOR =
      Keccak.of("miningReputation(address)".getBytes(StandardCharsets.US_ASCII)).slice(0, 4);

  /** Gas allowed to the view call (it reads two storage slots). */
  static final long CALL_GAS = 100_000;

  private static final BigInteger ONE = BigInteger.TEN.pow(18);
  private static final Bytes ZERO_ADDRESS = Bytes.wrap(new byte[20]);

  private final StateStore states;
  private final Bytes ledger;
  private final GenesisReputation genesis;
  private final long chainId;

  /**
   * @param ledger the ReputationLedger's address (20 bytes), fixed in the genesis file
   * @param genesis the genesis table: mining permission, and R_m where the ledger has none
   */
  public LedgerReputation(
      StateStore states, Bytes ledger, GenesisReputation genesis, long chainId) {
    if (ledger.size() != 20) {
      throw new IllegalArgumentException("genesis.reputationLedger: expected 20 bytes: " + ledger);
    }
    this.states = states;
    this.ledger = ledger;
    this.genesis = genesis;
    this.chainId = chainId;
  }

  @Override
  public double reputation(Bytes miner, BlockHeader parent) {
    Optional<Double> onChain =
        states
            .withState(parent.stateRoot(), s -> entry(s, miner, parent))
            .filter(Entry::registered)
            .map(Entry::reputation);
    // a genesis AP the ledger does not know yet keeps its genesis reputation; any other key
    // throws here (not in the miner set)
    return onChain.orElseGet(() -> genesis.reputation(miner, parent));
  }

  /**
   * A genesis AP, or an AP the ledger registers in the state of {@code at} (read from a snapshot: a
   * peer's handshake never waits for block import).
   */
  @Override
  public boolean inMinerSetAt(Bytes node, BlockHeader at) {
    return genesis.isRegistered(node)
        || states
            .snapshot(at.stateRoot(), s -> entry(s, node, at))
            .map(Entry::registered)
            .orElse(false);
  }

  /** What {@code miningReputation(ap)} answers. */
  private record Entry(boolean registered, double reputation) {}

  /** The ledger's entry for {@code ap} at {@code block}, empty until the ledger is deployed. */
  private Optional<Entry> entry(StateDB s, Bytes ap, BlockHeader block) {
    byte[] code = s.getCode(new Address(ledger.toArrayUnsafe()));
    if (code == null || code.length == 0) {
      return Optional.empty();
    }
    Bytes call = Bytes.concatenate(SELECTOR, Bytes32.leftPad(ap));
    TransactionProcessor.CallResult r =
        TransactionProcessor.call(
            s,
            ZERO_ADDRESS,
            Optional.of(ledger),
            BigInteger.ZERO,
            call,
            CALL_GAS,
            environment(block));
    if (!r.success() || r.returnData().size() != 64) {
      return Optional.empty();
    }
    boolean registered = !r.returnData().slice(0, 32).isZero();
    BigInteger fixed = r.returnData().slice(32, 32).toUnsignedBigInteger().min(ONE);
    return Optional.of(
        new Entry(registered, new BigDecimal(fixed).movePointLeft(18).doubleValue()));
  }

  @Override
  public boolean isRegistered(Bytes miner) {
    return genesis.isRegistered(miner);
  }

  /** A view call needs no real block context; a fixed one keeps every validator's answer equal. */
  private BlockEnvironment environment(BlockHeader parent) {
    return new BlockEnvironment(
        chainId,
        parent.miner(),
        parent.gasLimit(),
        parent.number(),
        parent.timestamp(),
        parent.baseFee(),
        n -> Bytes32.ZERO);
  }
}
