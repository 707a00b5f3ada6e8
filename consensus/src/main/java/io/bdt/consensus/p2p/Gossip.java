package io.bdt.consensus.p2p;

import io.bdt.consensus.block.Block;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.chain.TransactionPool;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import io.bdt.consensus.validation.InvalidBlockException;
import java.util.Map;
import org.apache.tuweni.bytes.Bytes;

/**
 * Spreading transactions and blocks: sends what this node admits or mines to every linked peer,
 * imports what peers send and relays what was new. A block with an unknown parent starts a sync
 * from its sender.
 */
final class Gossip {
  private final Blockchain chain;
  private final TransactionPool pool;
  private final NodeIdentity me;
  private final PeerTransport transport;
  private final BlockSync sync;

  Gossip(
      Blockchain chain,
      TransactionPool pool,
      NodeIdentity me,
      PeerTransport transport,
      BlockSync sync) {
    this.chain = chain;
    this.pool = pool;
    this.me = me;
    this.transport = transport;
    this.sync = sync;
  }

  /** Sends {@code type} with {@code payload} to every linked peer but {@code except}. */
  void broadcast(String type, String payload, Bytes except) {
    Map<Bytes, Session> to = transport.links();
    to.remove(except);
    if (to.isEmpty()) {
      return;
    }
    String text = me.signed(type, 0, payload);
    for (Session s : to.values()) {
      transport.send(s, text);
    }
  }

  /** A {@code tx} from a peer: admitted to the pool (which relays it if new). */
  void transaction(Envelope m) throws InvalidTransactionException {
    pool.admit(SignedTransaction.decode(Bytes.fromHexString(m.payload())), chain);
  }

  /** A {@code block} from the peer of {@code s}: imported and relayed if new. */
  void block(Session s, Envelope m) throws InvalidBlockException {
    Block block = decodeBlock(m.payload());
    s.head = Math.max(s.head, block.header().number());
    try {
      if (chain.importBlock(block) != Blockchain.ImportResult.ALREADY_KNOWN) {
        broadcast("block", m.payload(), s.peer);
      }
    } catch (InvalidBlockException e) {
      if (e.getMessage().startsWith("parent: unknown parent")) {
        sync.later(s);
        return;
      }
      throw e;
    }
  }

  /** Whether a transaction refused with {@code e} is not abuse (already had, or stale for us). */
  static boolean harmless(InvalidTransactionException e) {
    String msg = String.valueOf(e.getMessage());
    return msg.contains("already known")
        || msg.contains("nonce too low")
        || msg.contains("underpriced")
        || e.mayBecomeValid();
  }

  /** A block from its hex RLP; malformed input is an {@link IllegalArgumentException}. */
  static Block decodeBlock(String payload) {
    try {
      return Block.decode(Bytes.fromHexString(payload));
    } catch (IllegalArgumentException | InvalidTransactionException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed block RLP (" + e + ")", e);
    }
  }
}
