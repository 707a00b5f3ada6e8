package io.bdt.ap.chain;

import io.bdt.consensus.chain.ChainSpec;
import io.bdt.contracts.reputation.SlotClock;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.ContractUtils;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * The one-machine platform's chain for its {@link PlatformKeys} (admins, gateways, APs, the ledger
 * deployer): a genesis with every AP as a miner and the ReputationLedger address in it, and the
 * ledger's parameters; {@link NetworkContracts#deployPlatform} deploys its contracts.
 */
public final class PlatformChain {
  private PlatformChain() {}

  /** Chain id of the platform chain. */
  public static final long CHAIN_ID = 1337;

  /** D_0 (hashes per block at reputation 0) and eta. */
  public static final BigInteger BASE_DIFFICULTY = BigInteger.valueOf(20_000);

  public static final double ETA = 2.0;

  /** omega = 0.1 in the ledger's 1e18 fixed point. */
  public static final BigInteger OMEGA = BigInteger.TEN.pow(17);

  /** tau, the ledger's slot length (seconds). */
  public static final long SLOT_SECONDS = 1;

  /**
   * How many slots late a receipt may reach the ledger (the APs submit every few seconds; a slot
   * becomes final, and an idle AP's decay due, this many slots after it ends).
   */
  public static final long RECEIPT_AGE_SLOTS = 60;

  /** How many slots ahead of the chain's clock a receipt may be (clock skew between hosts). */
  public static final long RECEIPT_LEAD_SLOTS = 2;

  /** F_m the ledger divides served FLOPs by (FLOPs per slot at full share). */
  public static final BigInteger CAPACITY_FLOPS_PER_SLOT = BigInteger.valueOf(2_000_000L);

  /** The ReputationLedger address: the deployer's first contract. */
  public static String ledgerAddress(PlatformKeys keys) {
    return Keys.toChecksumAddress(
        ContractUtils.generateContractAddress(keys.deployer().getAddress(), BigInteger.ZERO));
  }

  /** The genesis of the platform of {@code keys}: its APs mine, every key is funded. */
  public static ChainSpec genesis(PlatformKeys keys) {
    Map<String, BigInteger> alloc = new LinkedHashMap<>();
    BigInteger funds = BigInteger.TEN.pow(24);
    List<Credentials> funded = new ArrayList<>(keys.admins());
    funded.add(keys.deployer());
    List<ChainSpec.AccessPoint> miners = new ArrayList<>();
    for (Credentials ap : keys.aps()) {
      funded.add(ap);
      miners.add(new ChainSpec.AccessPoint(ap.getAddress(), 0.0));
    }
    funded.addAll(keys.gateways());
    funded.forEach(c -> alloc.put(c.getAddress(), funds));
    return new ChainSpec(
        CHAIN_ID,
        30_000_000,
        BigInteger.valueOf(1_000_000_000L),
        0,
        new ChainSpec.DifficultySpec(BASE_DIFFICULTY, ETA),
        alloc,
        miners,
        ledgerAddress(keys));
  }

  /**
   * The ledger's slot clock on the platform chain: slot 0 starts at the genesis timestamp, slots
   * are {@link #SLOT_SECONDS} long.
   */
  public static SlotClock slotClock(ChainSpec genesis) {
    return new SlotClock(genesis.timestamp(), SLOT_SECONDS, RECEIPT_AGE_SLOTS, RECEIPT_LEAD_SLOTS);
  }

  /** Contracts deployed on the platform chain. */
  public record Contracts(String reputationLedger, String twinAnchor, String deviceRegistry) {}
}
