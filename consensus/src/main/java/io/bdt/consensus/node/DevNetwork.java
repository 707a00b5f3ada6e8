package io.bdt.consensus.node;

import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.keys.KeyFile;
import io.bdt.consensus.pow.MiningShare;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Credentials;

/**
 * The single-node development chain of {@code bdt node --dev}: chain id 1337, one prefunded account
 * and one AP, whose keys are generated for each data directory ({@link Keys#openOrCreate}) and kept
 * in owner-only files there; no key is built into the program.
 */
public final class DevNetwork {
  /** Chain id of the dev chain (the usual local-development id). */
  public static final long CHAIN_ID = 1337;

  /** Balance of the prefunded account: 1,000,000 ether (in wei). */
  public static final BigInteger FUNDS = BigInteger.TEN.pow(24);

  /** D_0 of the dev chain, hashes: an AP at reputation 0 mines at 4096 hashes per block. */
  public static final BigInteger BASE_DIFFICULTY = BigInteger.valueOf(4096);

  /** eta of the dev chain: how fast difficulty falls with reputation. */
  public static final double ETA = 2.0;

  /** The key files of a dev data directory, under {@code keys/}. */
  public static final String ACCOUNT_KEY_FILE = "keys/dev-account.key";

  public static final String MINER_KEY_FILE = "keys/dev-miner.key";

  private DevNetwork() {}

  /** The dev chain's two keys: the prefunded account and the AP (miner). */
  public record Keys(Credentials account, Credentials miner) {

    /** Two fresh random keys. */
    public static Keys generate() {
      try {
        return new Keys(
            Credentials.create(org.web3j.crypto.Keys.createEcKeyPair()),
            Credentials.create(org.web3j.crypto.Keys.createEcKeyPair()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("this JVM cannot generate secp256k1 keys", e);
      }
    }

    /**
     * The keys of the dev chain in {@code dataDir}: read from {@link #ACCOUNT_KEY_FILE} and {@link
     * #MINER_KEY_FILE} when they exist (a restart continues the same chain), else generated and
     * written there owner-only from the first byte ({@link KeyFile}).
     */
    public static Keys openOrCreate(Path dataDir) throws IOException {
      Path account = dataDir.resolve(ACCOUNT_KEY_FILE);
      Path miner = dataDir.resolve(MINER_KEY_FILE);
      if (Files.exists(account) != Files.exists(miner)) {
        throw new IOException(
            "dev chain keys: "
                + (Files.exists(account) ? miner : account)
                + " is missing but its pair exists; restore it or start with a new data directory");
      }
      if (Files.exists(account)) {
        return new Keys(KeyFile.read(account), KeyFile.read(miner));
      }
      Keys keys = generate();
      KeyFile.write(account, keys.account());
      KeyFile.write(miner, keys.miner());
      return keys;
    }
  }

  /**
   * The dev genesis: 30M gas blocks, 1 gwei initial base fee, D_0 = 4096 hashes and eta = 2 with
   * the AP at reputation 1 (so D_m = 554 hashes: blocks in well under a millisecond of hashing).
   */
  public static ChainSpec spec(Keys keys) {
    return spec(List.of(keys.account().getAddress()), keys.miner().getAddress(), 1.0, null);
  }

  /**
   * A genesis with the dev chain's id, gas, fee and difficulty, for tests with accounts of their
   * own: each of {@code funded} holds {@link #FUNDS}, {@code ap} is the one AP at genesis
   * reputation {@code apReputation}, and R_m is read from the ReputationLedger at {@code
   * reputationLedger} once it is deployed (null: the genesis table throughout).
   */
  public static ChainSpec spec(
      List<String> funded, String ap, double apReputation, String reputationLedger) {
    Map<String, BigInteger> alloc = new LinkedHashMap<>();
    funded.forEach(account -> alloc.put(account, FUNDS));
    return new ChainSpec(
        CHAIN_ID,
        30_000_000,
        BigInteger.valueOf(1_000_000_000L),
        0,
        new ChainSpec.DifficultySpec(BASE_DIFFICULTY, ETA),
        alloc,
        List.of(new ChainSpec.AccessPoint(ap, apReputation)),
        reputationLedger);
  }

  /**
   * A dev node on loopback: RPC (and WebSocket, if {@code withWebSocket}) on free ports, mining
   * with one thread, an empty block every {@code emptyBlockInterval}.
   */
  public static NodeConfig loopback(
      Keys keys, Path dataDir, Duration emptyBlockInterval, boolean withWebSocket) {
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    NodeConfig config =
        NodeConfig.of(spec(keys), dataDir)
            .withRpc(any)
            .withMiner(keys.miner().getEcKeyPair(), MiningShare.full(1))
            .withAutoMine(true, emptyBlockInterval);
    return withWebSocket ? config.withWebSocket(any) : config;
  }
}
