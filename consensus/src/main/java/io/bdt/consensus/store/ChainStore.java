package io.bdt.consensus.store;

import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.block.Receipt;
import io.bdt.consensus.block.Rlp;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.web3j.rlp.RlpDecoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpType;

/**
 * Blocks, receipts and indexes in RocksDB. Each imported block, with any change of the canonical
 * chain it causes, is written in one synced {@link WriteBatch}, so a kill -9 leaves either all of
 * it or none. Keys (one-byte prefix + key):
 *
 * <ul>
 *   <li>{@code b|hash} block RLP; {@code h|hash} header RLP; {@code r|hash} receipts; {@code
 *       d|hash} total difficulty (sum of D_m, big-endian)
 *   <li>{@code n|number(8)} canonical block hash; {@code t|txHash} canonical block hash + index(4)
 *   <li>{@code H} head block hash
 * </ul>
 */
public final class ChainStore implements AutoCloseable {
  /** Where a canonical transaction is. */
  public record TxLocation(Bytes32 blockHash, int index) {}

  /** A change of canonical chain: blocks leaving it (old branch) and joining it, low to high. */
  public record CanonicalChange(List<Block> removed, List<Block> added, Bytes32 newHead) {}

  private static final byte BLOCK = 'b';
  private static final byte HEADER = 'h';
  private static final byte RECEIPTS = 'r';
  private static final byte TOTAL_DIFFICULTY = 'd';
  private static final byte NUMBER = 'n';
  private static final byte TX = 't';
  private static final byte[] HEAD = {'H'};

  static {
    RocksDB.loadLibrary();
  }

  private final Options options;
  private final RocksDB db;
  private final WriteOptions synced;
  // RocksDB crashes the JVM on use after close: readers and writers hold the read side, close the
  // write side (a peer's block may still be in import while the node shuts down)
  private final java.util.concurrent.locks.ReentrantReadWriteLock life =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  private boolean closed;

  public ChainStore(Path directory) {
    try {
      Files.createDirectories(directory);
      options = new Options().setCreateIfMissing(true);
      db = RocksDB.open(options, directory.toAbsolutePath().toString());
      synced = new WriteOptions().setSync(true);
    } catch (RocksDBException | java.io.IOException e) {
      throw new IllegalStateException("cannot open block store at " + directory + ": " + e, e);
    }
  }

  /** The head block hash, if any block was stored. */
  public Optional<Bytes32> head() {
    return get(HEAD).map(Bytes32::wrap);
  }

  /** The block with {@code hash}. */
  public Optional<Block> block(Bytes32 hash) {
    return get(key(BLOCK, hash)).map(Block::decode);
  }

  /** The header of the block with {@code hash} (cheaper than the block). */
  public Optional<BlockHeader> header(Bytes32 hash) {
    return get(key(HEADER, hash)).map(BlockHeader::decode);
  }

  /** Receipts of the block with {@code hash}. */
  public List<Receipt> receipts(Bytes32 hash) {
    return get(key(RECEIPTS, hash))
        .map(
            b -> {
              List<Receipt> out = new ArrayList<>();
              RlpList l = (RlpList) RlpDecoder.decode(b.toArrayUnsafe()).getValues().get(0);
              for (RlpType r : l.getValues()) {
                out.add(Receipt.fromStorage(((RlpList) r).getValues()));
              }
              return out;
            })
        .orElse(List.of());
  }

  /** Total difficulty (sum of D_m from genesis) of the chain ending at {@code hash}. */
  public Optional<BigInteger> totalDifficulty(Bytes32 hash) {
    return get(key(TOTAL_DIFFICULTY, hash)).map(b -> new BigInteger(1, b.toArrayUnsafe()));
  }

  /** The canonical block hash at {@code number}. */
  public Optional<Bytes32> canonicalHash(long number) {
    return get(key(NUMBER, Bytes.ofUnsignedLong(number))).map(Bytes32::wrap);
  }

  /** Where the canonical transaction {@code txHash} is. */
  public Optional<TxLocation> transaction(Bytes32 txHash) {
    return get(key(TX, txHash))
        .map(b -> new TxLocation(Bytes32.wrap(b.slice(0, 32)), b.slice(32, 4).toInt()));
  }

  /**
   * Stores {@code block} with its receipts and total difficulty, and applies {@code change} to the
   * canonical indexes, in one synced batch.
   */
  public void put(
      Block block,
      List<Receipt> receipts,
      BigInteger totalDifficulty,
      Optional<CanonicalChange> change) {
    Bytes32 hash = block.hash();
    List<RlpType> rs = new ArrayList<>();
    receipts.forEach(r -> rs.add(r.storageRlp()));
    try (WriteBatch batch = new WriteBatch()) {
      batch.put(key(BLOCK, hash), block.rlp().toArrayUnsafe());
      batch.put(key(HEADER, hash), block.header().rlp().toArrayUnsafe());
      batch.put(key(RECEIPTS, hash), Rlp.encodeList(rs));
      batch.put(key(TOTAL_DIFFICULTY, hash), totalDifficulty.toByteArray());
      if (change.isPresent()) {
        CanonicalChange c = change.get();
        for (Block old : c.removed()) {
          batch.delete(key(NUMBER, Bytes.ofUnsignedLong(old.header().number())));
          for (var tx : old.transactions()) {
            batch.delete(key(TX, tx.hash()));
          }
        }
        for (Block b : c.added()) {
          batch.put(
              key(NUMBER, Bytes.ofUnsignedLong(b.header().number())), b.hash().toArrayUnsafe());
          for (int i = 0; i < b.transactions().size(); i++) {
            batch.put(
                key(TX, b.transactions().get(i).hash()),
                Bytes.concatenate(b.hash(), Bytes.ofUnsignedInt(i)).toArrayUnsafe());
          }
        }
        batch.put(HEAD, c.newHead().toArrayUnsafe());
      }
      life.readLock().lock();
      try {
        requireOpen();
        db.write(synced, batch);
      } finally {
        life.readLock().unlock();
      }
    } catch (RocksDBException e) {
      throw new IllegalStateException("writing block " + hash + ": " + e, e);
    }
  }

  private Optional<Bytes> get(byte[] key) {
    life.readLock().lock();
    try {
      requireOpen();
      byte[] v = db.get(key);
      return v == null ? Optional.empty() : Optional.of(Bytes.wrap(v));
    } catch (RocksDBException e) {
      throw new IllegalStateException("reading block store: " + e, e);
    } finally {
      life.readLock().unlock();
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the block store is closed");
    }
  }

  private static byte[] key(byte prefix, Bytes k) {
    byte[] out = new byte[1 + k.size()];
    out[0] = prefix;
    System.arraycopy(k.toArrayUnsafe(), 0, out, 1, k.size());
    return out;
  }

  @Override
  public void close() {
    life.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      synced.close();
      db.close();
      options.close();
    } finally {
      life.writeLock().unlock();
    }
  }
}
