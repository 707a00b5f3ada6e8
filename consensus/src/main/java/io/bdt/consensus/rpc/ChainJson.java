package io.bdt.consensus.rpc;

import static io.bdt.consensus.rpc.RpcParams.hexQ;
import static io.bdt.consensus.rpc.RpcParams.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.block.Log;
import io.bdt.consensus.block.Receipt;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.store.ChainStore;
import io.bdt.consensus.tx.Fee;
import io.bdt.consensus.tx.SignedTransaction;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.web3j.crypto.Sign;
import org.web3j.crypto.SignedRawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.utils.Numeric;

/**
 * The JSON-RPC forms of stored blocks, transactions, receipts and logs, as the execution-apis
 * schema gives them ({@code BlockObject}, {@code TransactionInfo}, {@code ReceiptInfo}, {@code
 * Log}).
 */
final class ChainJson {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final Blockchain chain;

  ChainJson(Blockchain chain) {
    this.chain = chain;
  }

  /** The JSON-RPC form of the block with header {@code h}. */
  JsonNode blockJson(BlockHeader h, boolean fullTransactions) {
    if (h == null) {
      return NullNode.getInstance();
    }
    Block block = chain.store().block(h.hash()).orElseThrow();
    ObjectNode o = JSON.objectNode();
    o.put("number", hexQ(h.number()));
    o.put("hash", h.hash().toHexString());
    o.put("parentHash", h.parentHash().toHexString());
    o.put("nonce", Bytes.ofUnsignedLong(h.nonce()).toHexString());
    o.put("mixHash", h.mixHash().toHexString());
    o.put("sha3Uncles", BlockHeader.EMPTY_OMMERS_HASH.toHexString());
    o.put("logsBloom", h.logsBloom().toHexString());
    o.put("transactionsRoot", h.transactionsRoot().toHexString());
    o.put("stateRoot", h.stateRoot().toHexString());
    o.put("receiptsRoot", h.receiptsRoot().toHexString());
    o.put("miner", h.miner().toHexString());
    o.put("difficulty", hexQ(h.difficulty()));
    o.put("totalDifficulty", hexQ(chain.store().totalDifficulty(h.hash()).orElse(BigInteger.ZERO)));
    o.put("extraData", h.extraData().toHexString());
    o.put("size", hexQ(block.rlp().size()));
    o.put("gasLimit", hexQ(h.gasLimit()));
    o.put("gasUsed", hexQ(h.gasUsed()));
    o.put("timestamp", hexQ(h.timestamp()));
    o.put("baseFeePerGas", hexQ(h.baseFee()));
    ArrayNode txs = o.putArray("transactions");
    for (int i = 0; i < block.transactions().size(); i++) {
      SignedTransaction tx = block.transactions().get(i);
      txs.add(fullTransactions ? txJson(tx, Optional.of(h), i) : text(tx.hash().toHexString()));
    }
    o.putArray("uncles");
    return o;
  }

  /** Transaction {@code tx}, at {@code index} of block {@code in} if it is mined. */
  ObjectNode txJson(SignedTransaction tx, Optional<BlockHeader> in, int index) {
    ObjectNode o = JSON.objectNode();
    o.put("hash", tx.hash().toHexString());
    o.put("type", hexQ(tx.type().getRlpType() == null ? 0 : tx.type().getRlpType()));
    o.put("nonce", hexQ(tx.nonce()));
    if (in.isPresent()) {
      o.put("blockHash", in.get().hash().toHexString());
      o.put("blockNumber", hexQ(in.get().number()));
      o.put("blockTimestamp", hexQ(in.get().timestamp()));
      o.put("transactionIndex", hexQ(index));
    } else {
      o.putNull("blockHash");
      o.putNull("blockNumber");
      o.putNull("transactionIndex");
    }
    o.put("from", tx.sender().toHexString());
    if (tx.to().isPresent()) {
      o.put("to", tx.to().get().toHexString());
    } else {
      o.putNull("to");
    }
    o.put("value", hexQ(tx.value()));
    o.put("gas", hexQ(tx.gasLimit()));
    o.put("input", tx.data().toHexString());
    o.put("chainId", hexQ(tx.chainId()));
    switch (tx.fee()) {
      case Fee.GasPrice g -> o.put("gasPrice", hexQ(g.gasPrice()));
      case Fee.FeeCap f -> {
        o.put("maxFeePerGas", hexQ(f.maxFeePerGas()));
        o.put("maxPriorityFeePerGas", hexQ(f.maxPriorityFeePerGas()));
        o.put(
            "gasPrice", hexQ(in.map(h -> f.effectivePrice(h.baseFee())).orElse(f.maxFeePerGas())));
        o.putArray("accessList");
      }
    }
    Sign.SignatureData sig =
        ((SignedRawTransaction) TransactionDecoder.decode(tx.raw().toHexString()))
            .getSignatureData();
    BigInteger v = Numeric.toBigInt(sig.getV());
    if (tx.fee() instanceof Fee.FeeCap) {
      // typed transactions sign with a bare recovery id; Web3j hands it back as 27/28
      BigInteger parity =
          v.compareTo(BigInteger.valueOf(27)) >= 0 ? v.subtract(BigInteger.valueOf(27)) : v;
      o.put("v", hexQ(parity));
      o.put("yParity", hexQ(parity));
    } else {
      o.put("v", hexQ(v));
    }
    o.put("r", hexQ(Numeric.toBigInt(sig.getR())));
    o.put("s", hexQ(Numeric.toBigInt(sig.getS())));
    return o;
  }

  /** The receipt of canonical transaction {@code hash}, or null if it is not in a block. */
  JsonNode receipt(Bytes32 hash) {
    Optional<ChainStore.TxLocation> at = chain.transaction(hash);
    if (at.isEmpty()) {
      return NullNode.getInstance();
    }
    BlockHeader h = chain.store().header(at.get().blockHash()).orElseThrow();
    Block b = chain.store().block(h.hash()).orElseThrow();
    List<Receipt> receipts = chain.receipts(h.hash());
    int index = at.get().index();
    int firstLog = 0;
    for (int i = 0; i < index; i++) {
      firstLog += receipts.get(i).logs().size();
    }
    return receiptJson(h, b.transactions().get(index), receipts.get(index), index, firstLog);
  }

  /**
   * The receipts of every transaction of block {@code h} in order ({@code eth_getBlockReceipts}):
   * one read of the block and its receipts instead of one per transaction.
   */
  JsonNode blockReceipts(BlockHeader h) {
    Block b = chain.store().block(h.hash()).orElseThrow();
    List<Receipt> receipts = chain.receipts(h.hash());
    ArrayNode out = JSON.arrayNode();
    int firstLog = 0;
    for (int i = 0; i < b.transactions().size(); i++) {
      out.add(receiptJson(h, b.transactions().get(i), receipts.get(i), i, firstLog));
      firstLog += receipts.get(i).logs().size();
    }
    return out;
  }

  /** Receipt {@code r} of {@code tx} at {@code index} in block {@code h}, its first log's index. */
  private static ObjectNode receiptJson(
      BlockHeader h, SignedTransaction tx, Receipt r, int index, int firstLog) {
    ObjectNode o = JSON.objectNode();
    o.put("transactionHash", tx.hash().toHexString());
    o.put("transactionIndex", hexQ(index));
    o.put("blockHash", h.hash().toHexString());
    o.put("blockNumber", hexQ(h.number()));
    o.put("from", tx.sender().toHexString());
    if (tx.to().isPresent()) {
      o.put("to", tx.to().get().toHexString());
    } else {
      o.putNull("to");
    }
    o.put("cumulativeGasUsed", hexQ(r.cumulativeGasUsed()));
    o.put("gasUsed", hexQ(r.gasUsed()));
    o.put("effectiveGasPrice", hexQ(tx.fee().effectivePrice(h.baseFee())));
    if (r.contractAddress().isPresent()) {
      o.put("contractAddress", r.contractAddress().get().toHexString());
    } else {
      o.putNull("contractAddress");
    }
    ArrayNode logs = o.putArray("logs");
    for (int i = 0; i < r.logs().size(); i++) {
      logs.add(logJson(r.logs().get(i), h, tx, index, firstLog + i));
    }
    o.put("logsBloom", r.bloom().toHexString());
    o.put("status", r.success() ? "0x1" : "0x0");
    o.put("type", hexQ(r.type()));
    if (!r.revertData().isEmpty()) {
      o.put("revertReason", r.revertData().toHexString());
    }
    return o;
  }

  /** Log {@code log} of transaction {@code tx} at {@code txIndex} in block {@code h}. */
  static ObjectNode logJson(
      Log log, BlockHeader h, SignedTransaction tx, int txIndex, int logIndex) {
    ObjectNode o = JSON.objectNode();
    o.put("removed", false);
    o.put("logIndex", hexQ(logIndex));
    o.put("transactionIndex", hexQ(txIndex));
    o.put("transactionHash", tx.hash().toHexString());
    o.put("blockHash", h.hash().toHexString());
    o.put("blockNumber", hexQ(h.number()));
    o.put("address", log.address().toHexString());
    o.put("data", log.data().toHexString());
    ArrayNode topics = o.putArray("topics");
    log.topics().forEach(t -> topics.add(t.toHexString()));
    return o;
  }
}
