package io.bdt.consensus.evm;

import io.horizen.evm.Hash;
import io.horizen.evm.LevelDBDatabase;
import io.horizen.evm.StateDB;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.tuweni.bytes.Bytes32;

/**
 * The world state: go-ethereum's state trie in libevm's LevelDB, addressed by state root. Every
 * committed root stays readable, so the state of any imported block (including the fork point of a
 * reorganisation) can be reopened. One lock serialises the work that builds and commits state
 * (block import, mining, admission checks); {@link #snapshot} reads run on a state handle of their
 * own beside it, as geth's RPC reads do, so a long {@code eth_call} never holds up block import.
 */
public final class StateStore implements AutoCloseable {
  private final LevelDBDatabase database;
  private final ReentrantLock lock = new ReentrantLock();
  // snapshot readers hold the read side; close takes the write side so the database outlives them
  private final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
  private volatile boolean closed;

  public StateStore(Path directory) {
    this.database = new LevelDBDatabase(directory.toAbsolutePath().toString());
  }

  /** Runs {@code work} on the state at {@code root}; uncommitted changes are discarded after. */
  public <T> T withState(Bytes32 root, Function<StateDB, T> work) {
    lock.lock();
    try {
      return onFreshHandle(root, work);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code work} on a state handle of its own at {@code root}, without the lock that block
   * import and mining take: the committed state of a block never changes, and go-ethereum's trie
   * database serves concurrent readers of separate handles. Changes {@code work} makes (an EVM call
   * writes to its handle) are discarded after. Use for reads only (JSON-RPC).
   */
  public <T> T snapshot(Bytes32 root, Function<StateDB, T> work) {
    life.readLock().lock();
    try {
      return onFreshHandle(root, work);
    } finally {
      life.readLock().unlock();
    }
  }

  private <T> T onFreshHandle(Bytes32 root, Function<StateDB, T> work) {
    requireOpen();
    try (StateDB state = new StateDB(database, new Hash(root.toArrayUnsafe()))) {
      return work.apply(state);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("closing state at " + root, e);
    }
  }

  /**
   * Opens the state at {@code root} for work done in several steps, each holding the lock only
   * while it runs, so RPC reads and admission checks interleave with a long job such as executing a
   * block (one step per transaction) instead of waiting for all of it. Close it after use;
   * uncommitted changes are then discarded.
   */
  public OpenState open(Bytes32 root) {
    lock.lock();
    try {
      requireOpen();
      return new OpenState(new StateDB(database, new Hash(root.toArrayUnsafe())), root);
    } finally {
      lock.unlock();
    }
  }

  /** A state handle held open across locked steps (see {@link #open}). One thread uses it. */
  public final class OpenState implements AutoCloseable {
    private final StateDB state;
    private final Bytes32 root;

    private OpenState(StateDB state, Bytes32 root) {
      this.state = state;
      this.root = root;
    }

    /** Runs one step on this state under the store's lock. */
    public <T> T step(Function<StateDB, T> work) {
      lock.lock();
      try {
        requireOpen();
        return work.apply(state);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() {
      lock.lock();
      try {
        if (!closed) {
          state.close();
        }
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("closing state at " + root, e);
      } finally {
        lock.unlock();
      }
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the state store is closed");
    }
  }

  @Override
  public void close() {
    lock.lock();
    life.writeLock().lock();
    try {
      closed = true;
      database.close();
    } finally {
      life.writeLock().unlock();
      lock.unlock();
    }
  }
}
