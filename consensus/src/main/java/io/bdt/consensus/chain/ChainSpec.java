package io.bdt.consensus.chain;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.block.LogsBloom;
import io.bdt.consensus.evm.StateStore;
import io.bdt.consensus.pow.Difficulty;
import io.bdt.consensus.pow.GenesisReputation;
import io.bdt.consensus.pow.LedgerReputation;
import io.bdt.consensus.pow.ReputationSource;
import io.bdt.parameters.ChainParameters;
import io.horizen.evm.Address;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;

/**
 * The genesis file: chain id, block gas limit (gas), initial base fee (wei per gas), the PoW
 * difficulty rule (D_0 in hashes, eta), genesis timestamp (seconds), prefunded accounts (wei), and
 * the APs allowed to mine with their reputation, optionally the address of the ReputationLedger
 * contract whose state then supplies R_m (the genesis table until it is deployed), and the {@code
 * system} section: the network's parameter set ({@link ChainParameters}, docs/dpra.md, "One
 * parameter set"), whose {@code D_0} and {@code eta} must be the difficulty rule's.
 */
public record ChainSpec(
    long chainId,
    long gasLimit,
    BigInteger baseFeePerGas,
    long timestamp,
    DifficultySpec difficulty,
    Map<String, BigInteger> alloc,
    List<AccessPoint> accessPoints,
    String reputationLedger,
    ChainParameters system) {

  /** D_0 (hashes) and eta of {@code D_m = D_0 exp(-eta R_m)}. */
  public record DifficultySpec(BigInteger base, double eta) {}

  /** An AP registered at genesis: its address (20 bytes hex) and starting reputation in [0, 1]. */
  public record AccessPoint(String address, double reputation) {}

  public ChainSpec {
    if (chainId <= 0) {
      throw new IllegalArgumentException("genesis.chainId must be > 0");
    }
    if (gasLimit < 21_000) {
      throw new IllegalArgumentException("genesis.gasLimit must be >= 21000");
    }
    if (baseFeePerGas == null || baseFeePerGas.signum() < 0) {
      throw new IllegalArgumentException("genesis.baseFeePerGas must be >= 0");
    }
    if (difficulty == null) {
      throw new IllegalArgumentException("genesis.difficulty is required");
    }
    alloc = alloc == null ? Map.of() : new LinkedHashMap<>(alloc);
    if (accessPoints == null || accessPoints.isEmpty()) {
      throw new IllegalArgumentException(
          "genesis.accessPoints: at least one AP must be registered");
    }
    accessPoints = List.copyOf(accessPoints);
    if (reputationLedger != null && Bytes.fromHexString(reputationLedger).size() != 20) {
      throw new IllegalArgumentException(
          "genesis.reputationLedger: expected a 20-byte address, got " + reputationLedger);
    }
    if (system != null
        && (system.baseDifficulty() != difficulty.base().doubleValue()
            || system.eta() != difficulty.eta())) {
      throw new IllegalArgumentException(
          "genesis.system: baseDifficulty "
              + system.baseDifficulty()
              + " and eta "
              + system.eta()
              + " must be genesis.difficulty's base "
              + difficulty.base()
              + " and eta "
              + difficulty.eta());
    }
  }

  /** A spec without a {@code system} section (chains that no service plans with: tests, dev). */
  public ChainSpec(
      long chainId,
      long gasLimit,
      BigInteger baseFeePerGas,
      long timestamp,
      DifficultySpec difficulty,
      Map<String, BigInteger> alloc,
      List<AccessPoint> accessPoints,
      String reputationLedger) {
    this(
        chainId,
        gasLimit,
        baseFeePerGas,
        timestamp,
        difficulty,
        alloc,
        accessPoints,
        reputationLedger,
        null);
  }

  /**
   * The network's parameter set, the single source every service plans with.
   *
   * @throws IllegalArgumentException when the genesis has no {@code system} section
   */
  public ChainParameters parameters() {
    if (system == null) {
      throw new IllegalArgumentException(
          "genesis.system: this genesis has no system section (the network's parameter set:"
              + " baseDifficulty, eta, cyclesPerHash, omega, rMin, slotSeconds,"
              + " consensusOverheadSeconds, apBudgetHz, apFlopsPerCycle); docs/dpra.md");
    }
    return system;
  }

  /** A spec whose reputation stays the genesis table's. */
  public ChainSpec(
      long chainId,
      long gasLimit,
      BigInteger baseFeePerGas,
      long timestamp,
      DifficultySpec difficulty,
      Map<String, BigInteger> alloc,
      List<AccessPoint> accessPoints) {
    this(chainId, gasLimit, baseFeePerGas, timestamp, difficulty, alloc, accessPoints, null, null);
  }

  /**
   * Where R_m is read: the ReputationLedger at {@link #reputationLedger()} (in the state at each
   * parent block) when one is configured, else the genesis table.
   */
  public ReputationSource reputationSource(StateStore states) {
    if (reputationLedger == null) {
      return reputation();
    }
    return new LedgerReputation(
        states, Bytes.fromHexString(reputationLedger), reputation(), chainId);
  }

  /** The difficulty rule. */
  public Difficulty difficultyRule() {
    return new Difficulty(difficulty.base(), difficulty.eta());
  }

  /** The genesis reputation table. */
  public GenesisReputation reputation() {
    Map<Bytes, Double> table = new LinkedHashMap<>();
    for (AccessPoint ap : accessPoints) {
      Bytes a = Bytes.fromHexString(ap.address());
      if (a.size() != 20) {
        throw new IllegalArgumentException(
            "genesis.accessPoints.address: expected 20 bytes: " + ap);
      }
      table.put(a, ap.reputation());
    }
    return new GenesisReputation(table);
  }

  /** Writes the prefunded accounts into {@code states} and returns the genesis block. */
  public Block genesisBlock(StateStore states) {
    Bytes32 root =
        states.withState(
            BlockHeader.EMPTY_TRIE_ROOT,
            s -> {
              alloc.forEach((addr, wei) -> s.addBalance(new Address(addr), wei));
              return Bytes32.wrap(s.commit().toBytes());
            });
    BlockHeader header =
        new BlockHeader(
            Bytes32.ZERO,
            Bytes.wrap(new byte[20]),
            root,
            BlockHeader.EMPTY_TRIE_ROOT,
            BlockHeader.EMPTY_TRIE_ROOT,
            Bytes.wrap(new byte[LogsBloom.SIZE]),
            BigInteger.ONE,
            0,
            gasLimit,
            0,
            timestamp,
            Bytes.EMPTY,
            Bytes32.ZERO,
            0,
            baseFeePerGas);
    return new Block(header, List.of());
  }

  /** Reads a genesis JSON file. */
  public static ChainSpec read(Path file) throws IOException {
    return new ObjectMapper().readValue(file.toFile(), ChainSpec.class);
  }

  /** Writes this spec as JSON. */
  public void write(Path file) throws IOException {
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
  }
}
