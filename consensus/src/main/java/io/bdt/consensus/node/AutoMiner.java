package io.bdt.consensus.node;

import io.bdt.consensus.block.Block;
import io.bdt.consensus.chain.BlockProducer;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.chain.TransactionPool;
import io.bdt.consensus.p2p.PeerNetwork;
import io.bdt.consensus.validation.InvalidBlockException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The block-producer loop of a node that mines on its own: mines on the head whenever transactions
 * wait in the pool or {@code emptyBlockInterval} has passed since its last block, only while its
 * key is in the chain's miner set, and announces each block to the peers; runs until {@code
 * running} turns false.
 */
final class AutoMiner implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(AutoMiner.class);

  private final BlockProducer producer;
  private final Blockchain chain;
  private final TransactionPool pool;
  private final Duration emptyBlockInterval;
  private final Optional<PeerNetwork> network;
  private final BooleanSupplier running;

  AutoMiner(
      BlockProducer producer,
      Blockchain chain,
      TransactionPool pool,
      Duration emptyBlockInterval,
      Optional<PeerNetwork> network,
      BooleanSupplier running) {
    this.producer = producer;
    this.chain = chain;
    this.pool = pool;
    this.emptyBlockInterval = emptyBlockInterval;
    this.network = network;
    this.running = running;
  }

  @Override
  public void run() {
    long lastBlock = System.nanoTime();
    boolean waitingToBeRegistered = false;
    while (running.getAsBoolean()) {
      boolean due = System.nanoTime() - lastBlock >= emptyBlockInterval.toNanos();
      boolean member = producer.mayMineOn(chain.head());
      if (member == waitingToBeRegistered) {
        // an AP not in the miner set yet follows the chain until the ledger registers it
        waitingToBeRegistered = !member;
        LOG.info(
            member
                ? "miner {} is in the chain's miner set: mining"
                : "miner {} is not in the chain's miner set (genesis or ReputationLedger):"
                    + " following the chain until it is registered",
            producer.address());
      }
      if ((pool.size() == 0 && !due) || !member) {
        try {
          Thread.sleep(member ? 5 : 200);
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      try {
        Optional<Block> block = producer.mineOne(() -> !running.getAsBoolean());
        if (block.isPresent()) {
          lastBlock = System.nanoTime();
          network.ifPresent(n -> n.announce(block.get()));
        }
      } catch (InvalidBlockException | IllegalStateException e) {
        if (running.getAsBoolean()) {
          LOG.error("mining failed", e);
        }
      }
    }
  }
}
