package io.bdt.consensus.rpc;

import static io.bdt.consensus.rpc.RpcParams.bytes;
import static io.bdt.consensus.rpc.RpcParams.hash;
import static io.bdt.consensus.rpc.RpcParams.hexQ;
import static io.bdt.consensus.rpc.RpcParams.quantity;
import static io.bdt.consensus.rpc.RpcParams.string;
import static io.bdt.consensus.rpc.RpcParams.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.chain.TransactionPool;
import io.bdt.consensus.p2p.SyncStatus;
import io.bdt.consensus.pow.Miner;
import io.bdt.consensus.store.ChainStore;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import java.util.Map;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes32;
import org.web3j.utils.Numeric;

/**
 * The {@code eth_} methods about the chain itself: its id, head, sync and mining status, blocks,
 * transactions (mined or waiting), receipts, and sending a signed transaction.
 */
final class EthBlocks implements RpcNamespace {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final Blockchain chain;
  private final TransactionPool pool;
  private final Optional<Miner> miner;
  private final PeerView peers;
  private final BlockParameters blocks;
  private final ChainJson render;

  EthBlocks(
      Blockchain chain,
      TransactionPool pool,
      Optional<Miner> miner,
      PeerView peers,
      BlockParameters blocks,
      ChainJson render) {
    this.chain = chain;
    this.pool = pool;
    this.miner = miner;
    this.peers = peers;
    this.blocks = blocks;
    this.render = render;
  }

  @Override
  public void register(Map<String, JsonRpcServer.Method> m) {
    m.put("eth_chainId", p -> quantity(chain.spec().chainId()));
    m.put("eth_syncing", p -> syncing());
    m.put("eth_mining", p -> BooleanNode.valueOf(miner.isPresent()));
    m.put(
        "eth_hashrate", p -> quantity((long) miner.map(Miner::hashRate).orElse(0.0).doubleValue()));
    m.put("eth_accounts", p -> JSON.arrayNode());
    m.put("eth_blockNumber", p -> quantity(chain.head().number()));
    m.put(
        "eth_getBlockByNumber",
        p -> render.blockJson(blocks.header(p, 0), p.path(1).asBoolean(false)));
    m.put("eth_getBlockByHash", this::blockByHash);
    m.put("eth_getBlockTransactionCountByNumber", p -> txCount(blocks.header(p, 0)));
    m.put(
        "eth_getBlockTransactionCountByHash",
        p ->
            chain
                .store()
                .header(hash(p, 0, "blockHash"))
                .<JsonNode>map(this::txCount)
                .orElse(NullNode.getInstance()));
    m.put("eth_getUncleCountByBlockNumber", p -> quantity(0));
    m.put("eth_getUncleCountByBlockHash", p -> quantity(0));
    m.put(
        "eth_getTransactionByBlockNumberAndIndex",
        p -> transactionAt(Optional.ofNullable(blocks.header(p, 0)), p, 1));
    m.put(
        "eth_getTransactionByBlockHashAndIndex",
        p -> transactionAt(chain.store().header(hash(p, 0, "blockHash")), p, 1));
    m.put("eth_getTransactionByHash", this::transactionByHash);
    m.put("eth_getTransactionReceipt", p -> render.receipt(hash(p, 0, "transactionHash")));
    m.put("eth_getBlockReceipts", this::blockReceipts);
    m.put("eth_sendRawTransaction", this::sendRawTransaction);
  }

  /** A block's receipts; the block named as geth does: a hash, a number, a tag or EIP-1898. */
  private JsonNode blockReceipts(ArrayNode p) {
    JsonNode at = p.path(0);
    BlockHeader h =
        at.isTextual() && at.asText().length() == 66
            ? chain.store().header(hash(p, 0, "block")).orElse(null)
            : blocks.header(p, 0);
    return h == null ? NullNode.getInstance() : render.blockReceipts(h);
  }

  private JsonNode syncing() {
    Optional<SyncStatus> status = peers.syncing();
    if (status.isEmpty()) {
      return BooleanNode.FALSE;
    }
    ObjectNode o = JSON.objectNode();
    o.put("startingBlock", hexQ(status.get().startingBlock()));
    o.put("currentBlock", hexQ(status.get().currentBlock()));
    o.put("highestBlock", hexQ(status.get().highestBlock()));
    return o;
  }

  private JsonNode blockByHash(ArrayNode p) {
    return chain
        .store()
        .header(hash(p, 0, "blockHash"))
        .map(h -> render.blockJson(h, p.path(1).asBoolean(false)))
        .orElse(NullNode.getInstance());
  }

  private JsonNode txCount(BlockHeader h) {
    return chain.store().block(h.hash()).map(b -> quantity(b.transactions().size())).orElseThrow();
  }

  private JsonNode transactionAt(Optional<BlockHeader> h, ArrayNode p, int indexParam) {
    if (h.isEmpty()) {
      return NullNode.getInstance();
    }
    int index = Numeric.toBigInt(string(p, indexParam, "index")).intValueExact();
    Block b = chain.store().block(h.get().hash()).orElseThrow();
    if (index < 0 || index >= b.transactions().size()) {
      return NullNode.getInstance();
    }
    return render.txJson(b.transactions().get(index), h, index);
  }

  private JsonNode transactionByHash(ArrayNode p) {
    Bytes32 hash = hash(p, 0, "transactionHash");
    Optional<ChainStore.TxLocation> at = chain.transaction(hash);
    if (at.isPresent()) {
      BlockHeader h = chain.store().header(at.get().blockHash()).orElseThrow();
      Block b = chain.store().block(h.hash()).orElseThrow();
      return render.txJson(
          b.transactions().get(at.get().index()), Optional.of(h), at.get().index());
    }
    return pool.get(hash)
        .<JsonNode>map(tx -> render.txJson(tx, Optional.empty(), 0))
        .orElse(NullNode.getInstance());
  }

  private JsonNode sendRawTransaction(ArrayNode p) {
    SignedTransaction tx;
    try {
      tx = SignedTransaction.decode(bytes(p, 0, "transaction"));
      pool.admit(tx, chain);
    } catch (InvalidTransactionException e) {
      throw new RpcException(RpcException.SERVER_ERROR, e.getMessage());
    }
    return text(tx.hash().toHexString());
  }
}
