package io.bdt.consensus.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.block.Log;
import io.bdt.consensus.block.LogsBloom;
import io.bdt.consensus.block.Receipt;
import io.bdt.consensus.chain.BaseFee;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.chain.PendingState;
import io.bdt.consensus.chain.TransactionPool;
import io.bdt.consensus.evm.BlockEnvironment;
import io.bdt.consensus.evm.RevertReason;
import io.bdt.consensus.evm.TransactionProcessor;
import io.bdt.consensus.p2p.SyncStatus;
import io.bdt.consensus.pow.Miner;
import io.bdt.consensus.store.ChainStore;
import io.bdt.consensus.tx.Fee;
import io.bdt.consensus.tx.InvalidTransactionException;
import io.bdt.consensus.tx.SignedTransaction;
import io.horizen.evm.Address;
import io.horizen.evm.Hash;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.web3j.crypto.Sign;
import org.web3j.crypto.SignedRawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.utils.Numeric;

/**
 * The Ethereum JSON-RPC methods (the subset wallets and Web3j use) and the {@code bdt_} namespace,
 * answered from the chain, the state and the transaction pool.
 */
public final class EthApi {
  /** Client name reported by web3_clientVersion. */
  public static final String CLIENT_VERSION = "bdt/v0.1.0/java";

  /** Suggested priority fee (wei per gas). */
  public static final BigInteger PRIORITY_FEE = BigInteger.valueOf(1_000_000_000L);

  /** Most blocks one eth_getLogs may scan. */
  public static final long MAX_LOG_RANGE = 10_000;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final Blockchain chain;
  private final TransactionPool pool;
  private final Optional<Miner> miner;
  private final Filters filters;
  private final PendingState pending;
  private final PeerView peers;
  private final EvmCalls evm;

  /**
   * The methods over {@code chain} and {@code pool}; {@code peers} answers net_peerCount and
   * eth_syncing, {@code evm} runs eth_call and eth_estimateGas under the gas cap and EVM timeout.
   */
  public EthApi(
      Blockchain chain, TransactionPool pool, Optional<Miner> miner, PeerView peers, EvmCalls evm) {
    this.chain = chain;
    this.pool = pool;
    this.miner = miner;
    this.peers = peers;
    this.evm = evm;
    this.filters = new Filters(this);
    this.pending = new PendingState(chain, pool, Clock.systemUTC());
    chain.onNewHead(filters::onNewHead);
  }

  /** All methods by name. */
  public Map<String, JsonRpcServer.Method> methods() {
    Map<String, JsonRpcServer.Method> m = new LinkedHashMap<>();
    m.put("web3_clientVersion", p -> text(CLIENT_VERSION));
    m.put(
        "web3_sha3",
        p -> text(io.bdt.consensus.block.Keccak.of(bytes(p, 0, "data")).toHexString()));
    m.put("net_version", p -> text(Long.toString(chain.spec().chainId())));
    m.put("net_listening", p -> BooleanNode.TRUE);
    m.put("net_peerCount", p -> quantity(peers.peerCount()));
    m.put("eth_chainId", p -> quantity(chain.spec().chainId()));
    m.put("eth_syncing", p -> syncing());
    m.put("eth_mining", p -> BooleanNode.valueOf(miner.isPresent()));
    m.put(
        "eth_hashrate", p -> quantity((long) miner.map(Miner::hashRate).orElse(0.0).doubleValue()));
    m.put("eth_accounts", p -> JSON.arrayNode());
    m.put("eth_blockNumber", p -> quantity(chain.head().number()));
    m.put("eth_gasPrice", p -> quantity(BaseFee.next(chain.head()).add(PRIORITY_FEE)));
    m.put("eth_maxPriorityFeePerGas", p -> quantity(PRIORITY_FEE));
    m.put("eth_getBlockByNumber", p -> blockJson(header(p, 0), p.path(1).asBoolean(false)));
    m.put("eth_getBlockByHash", this::blockByHash);
    m.put("eth_getBlockTransactionCountByNumber", p -> txCount(header(p, 0)));
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
        p -> transactionAt(Optional.ofNullable(header(p, 0)), p, 1));
    m.put(
        "eth_getTransactionByBlockHashAndIndex",
        p -> transactionAt(chain.store().header(hash(p, 0, "blockHash")), p, 1));
    m.put("eth_getTransactionByHash", this::transactionByHash);
    m.put("eth_getTransactionReceipt", this::receipt);
    m.put("eth_getTransactionCount", this::transactionCount);
    m.put("eth_getBalance", p -> quantity(atState(p, 1, s -> s.getBalance(address(p, 0)))));
    m.put(
        "eth_getCode",
        p ->
            text(
                Bytes.wrap(this.<byte[]>atState(p, 1, s -> orEmpty(s.getCode(address(p, 0)))))
                    .toHexString()));
    m.put("eth_getStorageAt", this::storageAt);
    m.put("eth_call", this::call);
    m.put("eth_estimateGas", this::estimateGas);
    m.put("eth_sendRawTransaction", this::sendRawTransaction);
    m.put("eth_getLogs", this::logs);
    m.put("eth_feeHistory", this::feeHistory);
    m.put("eth_getProof", this::proof);
    m.put("eth_newFilter", p -> text(filters.newLogFilter(p.path(0))));
    m.put("eth_newBlockFilter", p -> text(filters.newBlockFilter()));
    m.put("eth_newPendingTransactionFilter", p -> text(filters.newPendingTransactionFilter()));
    m.put("eth_getFilterChanges", p -> filters.changes(string(p, 0, "filterId")));
    m.put("eth_getFilterLogs", p -> filters.logs(string(p, 0, "filterId")));
    m.put(
        "eth_uninstallFilter",
        p -> BooleanNode.valueOf(filters.uninstall(string(p, 0, "filterId"))));
    m.put("bdt_miners", p -> miners());
    m.put("bdt_hashRate", p -> JSON.numberNode(miner.map(Miner::hashRate).orElse(0.0)));
    m.put("bdt_reputation", this::reputation);
    return m;
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

  // ---- blocks -------------------------------------------------------------------------------

  private JsonNode blockByHash(ArrayNode p) {
    return chain
        .store()
        .header(hash(p, 0, "blockHash"))
        .map(h -> blockJson(h, p.path(1).asBoolean(false)))
        .orElse(NullNode.getInstance());
  }

  private JsonNode txCount(BlockHeader h) {
    return chain.store().block(h.hash()).map(b -> quantity(b.transactions().size())).orElseThrow();
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

  // ---- transactions -------------------------------------------------------------------------

  private JsonNode transactionAt(Optional<BlockHeader> h, ArrayNode p, int indexParam) {
    if (h.isEmpty()) {
      return NullNode.getInstance();
    }
    int index = Numeric.toBigInt(string(p, indexParam, "index")).intValueExact();
    Block b = chain.store().block(h.get().hash()).orElseThrow();
    if (index < 0 || index >= b.transactions().size()) {
      return NullNode.getInstance();
    }
    return txJson(b.transactions().get(index), h, index);
  }

  private JsonNode transactionByHash(ArrayNode p) {
    Bytes32 hash = hash(p, 0, "transactionHash");
    Optional<ChainStore.TxLocation> at = chain.store().transaction(hash);
    if (at.isPresent()) {
      BlockHeader h = chain.store().header(at.get().blockHash()).orElseThrow();
      Block b = chain.store().block(h.hash()).orElseThrow();
      return txJson(b.transactions().get(at.get().index()), Optional.of(h), at.get().index());
    }
    return pool.get(hash)
        .<JsonNode>map(tx -> txJson(tx, Optional.empty(), 0))
        .orElse(NullNode.getInstance());
  }

  private ObjectNode txJson(SignedTransaction tx, Optional<BlockHeader> in, int index) {
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

  private JsonNode receipt(ArrayNode p) {
    Bytes32 hash = hash(p, 0, "transactionHash");
    Optional<ChainStore.TxLocation> at = chain.store().transaction(hash);
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
    SignedTransaction tx = b.transactions().get(index);
    Receipt r = receipts.get(index);
    ObjectNode o = JSON.objectNode();
    o.put("transactionHash", hash.toHexString());
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

  private static ObjectNode logJson(
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

  private JsonNode transactionCount(ArrayNode p) {
    Address a = address(p, 0);
    if (isPending(p, 1)) {
      // the pool's whole run of consecutive nonces, not one block's worth: a wallet sending its
      // next transaction needs the nonce after every one it has waiting
      long stateNonce =
          chain.states().snapshot(chain.head().stateRoot(), s -> s.getNonce(a)).longValueExact();
      return quantity(pool.nextNonce(Bytes.wrap(a.toBytes()), stateNonce));
    }
    return quantity(atState(p, 1, s -> s.getNonce(a)).longValueExact());
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

  // ---- state --------------------------------------------------------------------------------

  private JsonNode storageAt(ArrayNode p) {
    Address a = address(p, 0);
    BigInteger slot = Numeric.toBigInt(string(p, 1, "slot"));
    Hash key = new Hash(Numeric.toBytesPadded(slot, 32));
    byte[] value = atState(p, 2, s -> s.getStorage(a, key).toBytes());
    return text(Bytes.wrap(value).toHexString());
  }

  private static boolean isPending(ArrayNode p, int tagIndex) {
    return "pending".equals(p.path(tagIndex).asText());
  }

  private <T> T atState(ArrayNode p, int tagIndex, Function<io.horizen.evm.StateDB, T> read) {
    if (isPending(p, tagIndex)) {
      return pending.read((s, env) -> read.apply(s));
    }
    BlockHeader h = header(p, tagIndex);
    if (h == null) {
      throw new RpcException(RpcException.SERVER_ERROR, "header not found");
    }
    return chain.states().snapshot(h.stateRoot(), read);
  }

  private JsonNode call(ArrayNode p) {
    TransactionProcessor.CallResult r = runCall(p, -1);
    if (!r.success()) {
      throw failure(r);
    }
    return text(r.returnData().toHexString());
  }

  private JsonNode estimateGas(ArrayNode p) {
    long cap = Math.min(chain.spec().gasLimit(), evm.limits().gasCap());
    if (p.path(0).hasNonNull("gas")) {
      long asked = gasField(p.path(0));
      evm.checkGas(asked);
      cap = Math.min(cap, asked);
    }
    TransactionProcessor.CallResult first = runCall(p, cap);
    if (!first.success()) {
      throw failure(first);
    }
    long lo = first.gasUsed() - 1;
    long hi = cap;
    if (runCall(p, first.gasUsed()).success()) {
      return quantity(first.gasUsed());
    }
    while (hi - lo > 1) {
      long mid = (lo + hi) >>> 1;
      if (runCall(p, mid).success()) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return quantity(hi);
  }

  private static RpcException failure(TransactionProcessor.CallResult r) {
    if (r.error().contains("reverted")) {
      String reason = RevertReason.decode(r.returnData()).map(s -> ": " + s).orElse("");
      return new RpcException(
          RpcException.EXECUTION_REVERTED,
          "execution reverted" + reason,
          r.returnData().toHexString());
    }
    return new RpcException(RpcException.SERVER_ERROR, r.error());
  }

  private TransactionProcessor.CallResult runCall(ArrayNode p, long gasOverride) {
    JsonNode c = p.path(0);
    if (!c.isObject()) {
      throw RpcException.invalidParams("params[0]: expected a call object");
    }
    boolean atPending = isPending(p, 1);
    BlockHeader h = atPending ? pending.nextHeader() : p.size() > 1 ? header(p, 1) : chain.head();
    if (h == null) {
      throw new RpcException(RpcException.SERVER_ERROR, "header not found");
    }
    Bytes from =
        c.hasNonNull("from")
            ? Bytes.fromHexString(c.get("from").asText())
            : Bytes.wrap(new byte[20]);
    Optional<Bytes> to =
        c.hasNonNull("to")
            ? Optional.of(Bytes.fromHexString(c.get("to").asText()))
            : Optional.empty();
    String dataField = c.hasNonNull("input") ? "input" : "data";
    Bytes data =
        c.hasNonNull(dataField) ? Bytes.fromHexString(c.get(dataField).asText()) : Bytes.EMPTY;
    BigInteger value =
        c.hasNonNull("value") ? Numeric.toBigInt(c.get("value").asText()) : BigInteger.ZERO;
    long gas =
        gasOverride >= 0
            ? gasOverride
            : c.hasNonNull("gas")
                ? gasField(c)
                : Math.min(chain.spec().gasLimit(), evm.limits().gasCap());
    evm.checkGas(gas);
    if (atPending) {
      return evm.run(
          () ->
              pending.read(
                  (s, env) -> TransactionProcessor.call(s, from, to, value, data, gas, env)));
    }
    BlockEnvironment env = chain.environment(h);
    return evm.run(
        () ->
            chain
                .states()
                .snapshot(
                    h.stateRoot(),
                    s -> TransactionProcessor.call(s, from, to, value, data, gas, env)));
  }

  private static long gasField(JsonNode call) {
    BigInteger gas = Numeric.toBigInt(call.get("gas").asText());
    if (gas.signum() < 0 || gas.bitLength() > 63) {
      throw RpcException.invalidParams("params[0].gas: expected a quantity below 2^63, got " + gas);
    }
    return gas.longValueExact();
  }

  // ---- logs ---------------------------------------------------------------------------------

  private JsonNode logs(ArrayNode p) {
    JsonNode f = p.path(0);
    if (!f.isObject()) {
      throw RpcException.invalidParams("params[0]: expected a filter object");
    }
    return logs(f, Optional.empty());
  }

  /**
   * Logs matching filter object {@code f}; {@code sinceExclusive} (for filter polling) limits the
   * blocks to those above a number.
   */
  JsonNode logs(JsonNode f, Optional<Long> sinceExclusive) {
    List<Bytes> addresses = new ArrayList<>();
    JsonNode addr = f.path("address");
    if (addr.isTextual()) {
      addresses.add(Bytes.fromHexString(addr.asText()));
    } else if (addr.isArray()) {
      addr.forEach(a -> addresses.add(Bytes.fromHexString(a.asText())));
    }
    List<List<Bytes32>> topics = new ArrayList<>();
    for (JsonNode t : f.path("topics")) {
      List<Bytes32> alternatives = new ArrayList<>();
      if (t.isTextual()) {
        alternatives.add(Bytes32.fromHexString(t.asText()));
      } else if (t.isArray()) {
        t.forEach(x -> alternatives.add(Bytes32.fromHexString(x.asText())));
      }
      topics.add(alternatives);
    }
    List<BlockHeader> blocks = new ArrayList<>();
    if (f.hasNonNull("blockHash")) {
      chain
          .store()
          .header(Bytes32.fromHexString(f.get("blockHash").asText()))
          .ifPresent(blocks::add);
    } else {
      long from = number(f.path("fromBlock"));
      long to = number(f.path("toBlock"));
      if (sinceExclusive.isPresent()) {
        from = Math.max(from, sinceExclusive.get() + 1);
      }
      if (to - from > MAX_LOG_RANGE) {
        throw RpcException.invalidParams("eth_getLogs: block range exceeds " + MAX_LOG_RANGE);
      }
      for (long n = from; n <= to; n++) {
        chain.blockByNumber(n).ifPresent(b -> blocks.add(b.header()));
      }
    }
    ArrayNode out = JSON.arrayNode();
    for (BlockHeader h : blocks) {
      if (!bloomMayMatch(h.logsBloom(), addresses, topics)) {
        continue;
      }
      Block b = chain.store().block(h.hash()).orElseThrow();
      List<Receipt> receipts = chain.receipts(h.hash());
      int logIndex = 0;
      for (int i = 0; i < receipts.size(); i++) {
        for (Log log : receipts.get(i).logs()) {
          if (matches(log, addresses, topics)) {
            out.add(logJson(log, h, b.transactions().get(i), i, logIndex));
          }
          logIndex++;
        }
      }
    }
    return out;
  }

  /** The canonical head number. */
  long headNumber() {
    return chain.head().number();
  }

  // ---- fees and proofs ----------------------------------------------------------------------

  private JsonNode feeHistory(ArrayNode p) {
    long count = Numeric.toBigInt(p.path(0).asText("0x1")).longValueExact();
    if (p.path(0).isNumber()) {
      count = p.path(0).asLong();
    }
    count = Math.max(1, Math.min(count, 1024));
    BlockHeader newest = header(p, 1);
    if (newest == null) {
      throw new RpcException(RpcException.SERVER_ERROR, "header not found");
    }
    long oldest = Math.max(0, newest.number() - count + 1);
    List<Double> percentiles = new ArrayList<>();
    p.path(2).forEach(x -> percentiles.add(x.asDouble()));
    ObjectNode o = JSON.objectNode();
    o.put("oldestBlock", hexQ(oldest));
    ArrayNode baseFees = o.putArray("baseFeePerGas");
    ArrayNode ratios = o.putArray("gasUsedRatio");
    ArrayNode rewards = percentiles.isEmpty() ? null : o.putArray("reward");
    for (long n = oldest; n <= newest.number(); n++) {
      Block b = chain.blockByNumber(n).orElseThrow();
      BlockHeader h = b.header();
      baseFees.add(hexQ(h.baseFee()));
      ratios.add((double) h.gasUsed() / h.gasLimit());
      if (rewards != null) {
        rewards.add(rewardPercentiles(b, percentiles));
      }
    }
    baseFees.add(hexQ(BaseFee.next(newest)));
    return o;
  }

  /** Tips paid in {@code b} at each percentile of gas used (as geth computes them). */
  private ArrayNode rewardPercentiles(Block b, List<Double> percentiles) {
    ArrayNode out = JSON.arrayNode();
    List<Receipt> receipts = chain.receipts(b.hash());
    List<long[]> tipsByGas = new ArrayList<>();
    for (int i = 0; i < b.transactions().size(); i++) {
      BigInteger tip = b.transactions().get(i).fee().minerTip(b.header().baseFee());
      tipsByGas.add(new long[] {tip.longValue(), receipts.get(i).gasUsed()});
    }
    tipsByGas.sort((x, y) -> Long.compare(x[0], y[0]));
    for (double pct : percentiles) {
      if (tipsByGas.isEmpty()) {
        out.add("0x0");
        continue;
      }
      double threshold = b.header().gasUsed() * pct / 100;
      long sum = 0;
      long tip = tipsByGas.get(tipsByGas.size() - 1)[0];
      for (long[] t : tipsByGas) {
        sum += t[1];
        if (sum >= threshold) {
          tip = t[0];
          break;
        }
      }
      out.add(hexQ(tip));
    }
    return out;
  }

  private JsonNode proof(ArrayNode p) {
    Address a = address(p, 0);
    List<Hash> keys = new ArrayList<>();
    p.path(1)
        .forEach(k -> keys.add(new Hash(Numeric.toBytesPadded(Numeric.toBigInt(k.asText()), 32))));
    BlockHeader h = header(p, 2);
    if (h == null) {
      throw new RpcException(RpcException.SERVER_ERROR, "header not found");
    }
    io.horizen.evm.results.ProofAccountResult r =
        chain
            .states()
            .snapshot(
                h.stateRoot(),
                s ->
                    s.getProof(
                        a, new Hash(h.stateRoot().toArrayUnsafe()), keys.toArray(new Hash[0])));
    ObjectNode o = JSON.objectNode();
    o.put("address", Bytes.wrap(a.toBytes()).toHexString());
    ArrayNode accountProof = o.putArray("accountProof");
    for (String node : r.accountProof) {
      accountProof.add(node);
    }
    o.put("balance", hexQ(r.balance));
    o.put("codeHash", r.codeHash.toString());
    o.put("nonce", hexQ(r.nonce));
    o.put("storageHash", r.storageHash.toString());
    ArrayNode storage = o.putArray("storageProof");
    if (r.storageProof != null) {
      for (var sp : r.storageProof) {
        ObjectNode s = storage.addObject();
        s.put("key", sp.key);
        s.put("value", hexQ(sp.value));
        ArrayNode proof = s.putArray("proof");
        for (String node : sp.proof) {
          proof.add(node);
        }
      }
    }
    return o;
  }

  private static boolean bloomMayMatch(
      Bytes bloom, List<Bytes> addresses, List<List<Bytes32>> topics) {
    if (!addresses.isEmpty() && addresses.stream().noneMatch(a -> LogsBloom.mayContain(bloom, a))) {
      return false;
    }
    for (List<Bytes32> alternatives : topics) {
      if (!alternatives.isEmpty()
          && alternatives.stream().noneMatch(t -> LogsBloom.mayContain(bloom, t))) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(Log log, List<Bytes> addresses, List<List<Bytes32>> topics) {
    if (!addresses.isEmpty() && !addresses.contains(log.address())) {
      return false;
    }
    if (topics.size() > log.topics().size()) {
      return false;
    }
    for (int i = 0; i < topics.size(); i++) {
      if (!topics.get(i).isEmpty() && !topics.get(i).contains(log.topics().get(i))) {
        return false;
      }
    }
    return true;
  }

  // ---- bdt_ ---------------------------------------------------------------------------------

  private JsonNode miners() {
    ArrayNode out = JSON.arrayNode();
    BlockHeader head = chain.head();
    for (var ap : chain.spec().accessPoints()) {
      Bytes a = Bytes.fromHexString(ap.address());
      double r = chain.reputation().reputation(a, head);
      ObjectNode o = out.addObject();
      o.put("address", a.toHexString());
      o.put("reputation", r);
      o.put("difficulty", hexQ(chain.spec().difficultyRule().forReputation(r)));
    }
    return out;
  }

  private JsonNode reputation(ArrayNode p) {
    Bytes a = Bytes.fromHexString(string(p, 0, "address"));
    BlockHeader h = p.size() > 1 ? header(p, 1) : chain.head();
    if (!chain.reputation().isRegistered(a)) {
      throw RpcException.invalidParams("address " + a + " is not a registered AP");
    }
    double r = chain.reputation().reputation(a, h);
    ObjectNode o = JSON.objectNode();
    o.put("address", a.toHexString());
    o.put("reputation", r);
    o.put("difficulty", hexQ(chain.spec().difficultyRule().forReputation(r)));
    o.put("blockNumber", hexQ(h.number()));
    return o;
  }

  // ---- params -------------------------------------------------------------------------------

  /** The header a block parameter names, or null if there is none. */
  private BlockHeader header(ArrayNode p, int index) {
    JsonNode tag = p.path(index);
    if (tag.isObject() && tag.hasNonNull("blockHash")) {
      return chain
          .store()
          .header(Bytes32.fromHexString(tag.get("blockHash").asText()))
          .orElse(null);
    }
    if (tag.isObject() && tag.hasNonNull("blockNumber")) {
      tag = tag.get("blockNumber");
    }
    BlockHeader head = chain.head();
    long n = number(tag);
    if (n == head.number()) {
      return head;
    }
    // the header alone: reading the block would decode every transaction in it
    return chain.store().canonicalHash(n).flatMap(chain.store()::header).orElse(null);
  }

  private long number(JsonNode tag) {
    if (tag.isMissingNode() || tag.isNull()) {
      return chain.head().number();
    }
    String t = tag.asText();
    return switch (t) {
      case "latest", "pending", "safe", "finalized" -> chain.head().number();
      case "earliest" -> 0;
      default -> {
        if (!t.startsWith("0x")) {
          throw RpcException.invalidParams("block: expected a tag or 0x-prefixed number, got " + t);
        }
        yield Numeric.toBigInt(t).longValueExact();
      }
    };
  }

  private static String string(ArrayNode p, int index, String name) {
    JsonNode n = p.path(index);
    if (!n.isTextual()) {
      throw RpcException.invalidParams(
          "params[" + index + "] (" + name + "): expected a hex string");
    }
    return n.asText();
  }

  private static Bytes bytes(ArrayNode p, int index, String name) {
    return Bytes.fromHexString(string(p, index, name));
  }

  private static Bytes32 hash(ArrayNode p, int index, String name) {
    Bytes b = bytes(p, index, name);
    if (b.size() != 32) {
      throw RpcException.invalidParams("params[" + index + "] (" + name + "): expected 32 bytes");
    }
    return Bytes32.wrap(b);
  }

  private static Address address(ArrayNode p, int index) {
    Bytes b = bytes(p, index, "address");
    if (b.size() != 20) {
      throw RpcException.invalidParams("params[" + index + "] (address): expected 20 bytes");
    }
    return new Address(b.toArrayUnsafe());
  }

  private static byte[] orEmpty(byte[] b) {
    return b == null ? new byte[0] : b;
  }

  private static TextNode text(String s) {
    return TextNode.valueOf(s);
  }

  private static TextNode quantity(long v) {
    return text(hexQ(v));
  }

  private static TextNode quantity(BigInteger v) {
    return text(hexQ(v));
  }

  private static String hexQ(long v) {
    return "0x" + Long.toHexString(v);
  }

  private static String hexQ(BigInteger v) {
    return "0x" + v.toString(16);
  }
}
