package io.bdt.consensus.block;

import io.bdt.consensus.tx.SignedTransaction;
import java.util.ArrayList;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.web3j.crypto.transaction.type.TransactionType;
import org.web3j.rlp.RlpDecoder;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;

/**
 * A block in Ethereum's encoding {@code [header, [transactions...], []]}: legacy transactions are
 * embedded as RLP lists, typed ones as byte strings (EIP-2718), and the ommer list is always empty.
 */
public record Block(BlockHeader header, List<SignedTransaction> transactions) {
  public Block {
    transactions = List.copyOf(transactions);
  }

  /** The block hash (the header's hash). */
  public Bytes32 hash() {
    return header.hash();
  }

  /** Root of the trie of the transactions' network encodings, as the header must carry. */
  public static Bytes32 transactionsRoot(List<SignedTransaction> transactions) {
    return TrieRoot.ordered(transactions.stream().map(SignedTransaction::raw).toList());
  }

  /** RLP encoding of the whole block. */
  public Bytes rlp() {
    byte[][] txs = new byte[transactions.size()][];
    for (int i = 0; i < txs.length; i++) {
      SignedTransaction tx = transactions.get(i);
      // a legacy transaction's network encoding is its RLP list; a typed one goes in as a string
      txs[i] =
          tx.type() == TransactionType.LEGACY
              ? tx.raw().toArrayUnsafe()
              : RlpEncoder.encode(RlpString.create(tx.raw().toArrayUnsafe()));
    }
    return Bytes.wrap(
        Rlp.wrapList(
            RlpEncoder.encode(header.rlpList(true, true)), Rlp.wrapList(txs), Rlp.wrapList()));
  }

  /** Decodes a block, verifying every transaction's signature on the way. */
  public static Block decode(Bytes rlp) {
    List<RlpType> top = RlpDecoder.decode(rlp.toArrayUnsafe()).getValues();
    if (top.size() != 1 || !(top.get(0) instanceof RlpList l) || l.getValues().size() != 3) {
      throw new IllegalArgumentException("block: expected RLP list [header, transactions, ommers]");
    }
    BlockHeader header = BlockHeader.fromRlp(Rlp.list(l.getValues(), 0, "block.header"));
    List<SignedTransaction> txs = new ArrayList<>();
    for (RlpType t : Rlp.list(l.getValues(), 1, "block.transactions")) {
      Bytes raw =
          t instanceof RlpString s ? Bytes.wrap(s.getBytes()) : Bytes.wrap(RlpEncoder.encode(t));
      txs.add(SignedTransaction.decode(raw));
    }
    if (!Rlp.list(l.getValues(), 2, "block.ommers").isEmpty()) {
      throw new IllegalArgumentException("block.ommers: this chain has no ommers");
    }
    return new Block(header, txs);
  }
}
