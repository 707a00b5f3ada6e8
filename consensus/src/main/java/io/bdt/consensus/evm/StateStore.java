package io.bdt.consensus.evm;

import io.horizen.evm.Hash;
import io.horizen.evm.LevelDBDatabase;
import io.horizen.evm.StateDB;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.tuweni.bytes.Bytes32;

/**
 * The world state: go-ethereum's state trie in libevm's LevelDB, addressed by state root. Every
 * committed root stays readable, so the state of any imported block (including the fork point of a
 * reorganisation) can be reopened. One lock serialises all access to the native library.
 */
public final class StateStore implements AutoCloseable {
  private final LevelDBDatabase database;
  private final ReentrantLock lock = new ReentrantLock();
  private boolean closed;

  public StateStore(Path directory) {
    this.database = new LevelDBDatabase(directory.toAbsolutePath().toString());
  }

  /** Runs {@code work} on the state at {@code root}; uncommitted changes are discarded after. */
  public <T> T withState(Bytes32 root, Function<StateDB, T> work) {
    lock.lock();
    try {
      requireOpen();
      try (StateDB state = new StateDB(database, new Hash(root.toArrayUnsafe()))) {
        return work.apply(state);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("closing state at " + root, e);
      }
    } finally {
      lock.unlock();
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
    try {
      closed = true;
      database.close();
    } finally {
      lock.unlock();
    }
  }
}
