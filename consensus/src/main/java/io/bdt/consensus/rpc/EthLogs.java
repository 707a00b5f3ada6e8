package io.bdt.consensus.rpc;

import static io.bdt.consensus.rpc.RpcParams.string;
import static io.bdt.consensus.rpc.RpcParams.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.block.Log;
import io.bdt.consensus.block.LogsBloom;
import io.bdt.consensus.block.Receipt;
import io.bdt.consensus.chain.Blockchain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;

/**
 * The {@code eth_} log methods: {@code eth_getLogs} (address and topic filters, bloom pre-check, at
 * most {@link #MAX_LOG_RANGE} blocks a query) and the polling filters.
 */
final class EthLogs implements RpcNamespace {
  /** Most blocks one eth_getLogs may scan. */
  static final long MAX_LOG_RANGE = 10_000;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final Blockchain chain;
  private final BlockParameters blocks;
  private final Filters filters;

  EthLogs(Blockchain chain, BlockParameters blocks) {
    this.chain = chain;
    this.blocks = blocks;
    this.filters = new Filters(this);
    chain.onNewHead(filters::onNewHead);
  }

  @Override
  public void register(Map<String, JsonRpcServer.Method> m) {
    m.put("eth_getLogs", this::logs);
    m.put("eth_newFilter", p -> text(filters.newLogFilter(p.path(0))));
    m.put("eth_newBlockFilter", p -> text(filters.newBlockFilter()));
    m.put("eth_newPendingTransactionFilter", p -> text(filters.newPendingTransactionFilter()));
    m.put("eth_getFilterChanges", p -> filters.changes(string(p, 0, "filterId")));
    m.put("eth_getFilterLogs", p -> filters.logs(string(p, 0, "filterId")));
    m.put(
        "eth_uninstallFilter",
        p -> BooleanNode.valueOf(filters.uninstall(string(p, 0, "filterId"))));
  }

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
    List<BlockHeader> scanned = new ArrayList<>();
    if (f.hasNonNull("blockHash")) {
      chain
          .store()
          .header(Bytes32.fromHexString(f.get("blockHash").asText()))
          .ifPresent(scanned::add);
    } else {
      long from = blocks.number(f.path("fromBlock"));
      long to = blocks.number(f.path("toBlock"));
      if (sinceExclusive.isPresent()) {
        from = Math.max(from, sinceExclusive.get() + 1);
      }
      if (to - from > MAX_LOG_RANGE) {
        throw RpcException.invalidParams("eth_getLogs: block range exceeds " + MAX_LOG_RANGE);
      }
      for (long n = from; n <= to; n++) {
        chain.blockByNumber(n).ifPresent(b -> scanned.add(b.header()));
      }
    }
    ArrayNode out = JSON.arrayNode();
    for (BlockHeader h : scanned) {
      if (!bloomMayMatch(h.logsBloom(), addresses, topics)) {
        continue;
      }
      Block b = chain.store().block(h.hash()).orElseThrow();
      List<Receipt> receipts = chain.receipts(h.hash());
      int logIndex = 0;
      for (int i = 0; i < receipts.size(); i++) {
        for (Log log : receipts.get(i).logs()) {
          if (matches(log, addresses, topics)) {
            out.add(ChainJson.logJson(log, h, b.transactions().get(i), i, logIndex));
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
}
