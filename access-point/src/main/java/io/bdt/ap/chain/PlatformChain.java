package io.bdt.ap.chain;

import io.bdt.consensus.chain.ChainSpec;
import io.bdt.contracts.reputation.SlotClock;
import io.bdt.parameters.ChainParameters;
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

  /**
   * The platform's parameter set, written into its genesis' {@code system} section: every service
   * reads it from there (docs/dpra.md, "One parameter set").
   */
  public static final ChainParameters PARAMETERS = ChainParameters.NEW_NETWORK;

  /** D_0 (hashes per block at reputation 0) of {@link #PARAMETERS}. */
  public static final BigInteger BASE_DIFFICULTY =
      BigInteger.valueOf((long) PARAMETERS.baseDifficulty());

  /** eta of {@link #PARAMETERS}. */
  public static final double ETA = PARAMETERS.eta();

  /**
   * How many slots late a receipt may reach the ledger (the APs submit every few seconds; a slot
   * becomes final, and an idle AP's decay due, this many slots after it ends).
   */
  public static final long RECEIPT_AGE_SLOTS = 60;

  /** How many slots ahead of the chain's clock a receipt may be (clock skew between hosts). */
  public static final long RECEIPT_LEAD_SLOTS = 2;

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
        ledgerAddress(keys),
        PARAMETERS);
  }

  /**
   * The ledger's slot clock on a chain: slot 0 starts at the genesis timestamp, slots are the
   * genesis' {@code system.slotSeconds} long.
   */
  public static SlotClock slotClock(ChainSpec genesis) {
    return new SlotClock(
        genesis.timestamp(),
        genesis.parameters().ledgerSlotSeconds(),
        RECEIPT_AGE_SLOTS,
        RECEIPT_LEAD_SLOTS);
  }

  /** Contracts deployed on the platform chain. */
  public record Contracts(String reputationLedger, String twinAnchor, String deviceRegistry) {}
}
