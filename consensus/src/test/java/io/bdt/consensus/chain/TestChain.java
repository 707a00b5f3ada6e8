package io.bdt.consensus.chain;

import static io.bdt.consensus.Fixtures.ALICE;
import static io.bdt.consensus.Fixtures.BOB;
import static io.bdt.consensus.Fixtures.CAROL;

import io.bdt.consensus.Fixtures;
import io.bdt.consensus.evm.StateStore;
import io.bdt.consensus.pow.Miner;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.consensus.store.ChainStore;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Credentials;

/**
 * A chain on disk for tests: Bob is an AP with reputation 0.9, Carol one with 0.1, Alice holds 1000
 * ether. D_0 = 256 hashes, eta = 2, so blocks take a few hundred hashes.
 */
public final class TestChain implements AutoCloseable {
  public static final ChainSpec SPEC =
      new ChainSpec(
          Fixtures.CHAIN_ID,
          30_000_000,
          Fixtures.GWEI,
          1_700_000_000,
          new ChainSpec.DifficultySpec(BigInteger.valueOf(256), 2.0),
          Map.of(ALICE.getAddress(), Fixtures.ETHER.multiply(BigInteger.valueOf(1000))),
          List.of(
              new ChainSpec.AccessPoint(BOB.getAddress(), 0.9),
              new ChainSpec.AccessPoint(CAROL.getAddress(), 0.1)));

  public final ChainStore store;
  public final StateStore states;
  public final Blockchain chain;
  public final TransactionPool pool;

  public TestChain(Path dir) {
    store = new ChainStore(dir.resolve("blocks"));
    states = new StateStore(dir.resolve("state"));
    chain = new Blockchain(SPEC, store, states, SPEC.reputation(), Clock.systemUTC());
    pool = new TransactionPool(SPEC.chainId(), 10_000);
  }

  /** A producer mining with {@code ap}'s key on this chain. */
  public BlockProducer producer(Credentials ap) {
    return new BlockProducer(
        chain, pool, new Miner(MiningShare.full(1)), ap.getEcKeyPair(), Clock.systemUTC());
  }

  @Override
  public void close() {
    store.close();
    states.close();
  }
}
