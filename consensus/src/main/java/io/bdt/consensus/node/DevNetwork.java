package io.bdt.consensus.node;

import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.pow.MiningShare;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Credentials;

/**
 * The single-node development chain of {@code bdt node --dev}: chain id 1337, one prefunded account
 * and one AP, both with fixed, publicly known keys (the first two accounts of the standard test
 * mnemonic used by Hardhat and Anvil). Never use these keys on a real network.
 */
public final class DevNetwork {
  /** Prefunded account: 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266. */
  public static final Credentials ACCOUNT =
      Credentials.create("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

  /** The dev AP (miner): 0x70997970C51812dc3A010C7d01b50e0d17dc79C8. */
  public static final Credentials MINER =
      Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

  /** Chain id of the dev chain (the usual local-development id). */
  public static final long CHAIN_ID = 1337;

  /** Balance of the prefunded account: 1,000,000 ether (in wei). */
  public static final BigInteger FUNDS = BigInteger.TEN.pow(24);

  private DevNetwork() {}

  /**
   * The dev genesis: 30M gas blocks, 1 gwei initial base fee, D_0 = 4096 hashes and eta = 2 with
   * the AP at reputation 1 (so D_m = 554 hashes: blocks in well under a millisecond of hashing).
   */
  public static ChainSpec spec() {
    return new ChainSpec(
        CHAIN_ID,
        30_000_000,
        BigInteger.valueOf(1_000_000_000L),
        0,
        new ChainSpec.DifficultySpec(BigInteger.valueOf(4096), 2.0),
        Map.of(ACCOUNT.getAddress(), FUNDS),
        List.of(new ChainSpec.AccessPoint(MINER.getAddress(), 1.0)));
  }

  /**
   * A dev node on loopback: RPC (and WebSocket, if {@code withWebSocket}) on free ports, mining
   * with one thread, an empty block every {@code emptyBlockInterval}.
   */
  public static Node.Config loopback(
      Path dataDir, Duration emptyBlockInterval, boolean withWebSocket) {
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    Node.Config config =
        Node.Config.of(spec(), dataDir)
            .withRpc(any)
            .withMiner(MINER.getEcKeyPair(), MiningShare.full(1))
            .withAutoMine(true, emptyBlockInterval);
    return withWebSocket ? config.withWebSocket(any) : config;
  }
}
