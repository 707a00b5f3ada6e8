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

  public StateStore(Path directory) {
    this.database = new LevelDBDatabase(directory.toAbsolutePath().toString());
  }

  /** Runs {@code work} on the state at {@code root}; uncommitted changes are discarded after. */
  public <T> T withState(Bytes32 root, Function<StateDB, T> work) {
    lock.lock();
    try (StateDB state = new StateDB(database, new Hash(root.toArrayUnsafe()))) {
      return work.apply(state);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("closing state at " + root, e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      database.close();
    } finally {
      lock.unlock();
    }
  }
}
