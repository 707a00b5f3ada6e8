package io.bdt.consensus.block;

import io.horizen.evm.TrieHasher;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;

/**
 * Root of the Merkle-Patricia trie keyed by RLP(index), as Ethereum's transactionsRoot and
 * receiptsRoot are computed. Delegates to go-ethereum's StackTrie inside libevm, so the roots are
 * exactly geth's.
 */
public final class TrieRoot {
  private TrieRoot() {}

  /** Root of the ordered trie holding {@code items} (already encoded) at keys 0, 1, 2, ... */
  public static Bytes32 ordered(List<Bytes> items) {
    byte[][] values = new byte[items.size()][];
    for (int i = 0; i < values.length; i++) {
      values[i] = items.get(i).toArrayUnsafe();
    }
    return Bytes32.wrap(TrieHasher.Root(values).toBytes());
  }
}
