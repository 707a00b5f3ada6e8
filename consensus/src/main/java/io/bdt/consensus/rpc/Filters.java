package io.bdt.consensus.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.bdt.consensus.block.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Polling filters (eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter,
 * eth_getFilterChanges): each remembers what it already returned. Filters not polled for {@link
 * #EXPIRY_MILLIS} are dropped, as in geth.
 */
final class Filters {
  /** A filter unused this long (milliseconds) is removed. */
  static final long EXPIRY_MILLIS = 5 * 60 * 1000;

  private sealed interface Filter {}

  private record LogFilter(JsonNode criteria, long[] lastBlock) implements Filter {}

  private record BlockFilter(List<String> hashes) implements Filter {}

  private record PendingFilter() implements Filter {}

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final EthLogs logs;
  private final Map<String, Filter> filters = new ConcurrentHashMap<>();
  private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong(1);

  Filters(EthLogs logs) {
    this.logs = logs;
  }

  String newLogFilter(JsonNode criteria) {
    if (!criteria.isObject()) {
      throw RpcException.invalidParams("params[0]: expected a filter object");
    }
    return add(new LogFilter(criteria, new long[] {logs.headNumber()}));
  }

  String newBlockFilter() {
    return add(new BlockFilter(new ArrayList<>()));
  }

  String newPendingTransactionFilter() {
    return add(new PendingFilter());
  }

  private String add(Filter f) {
    expire();
    String id = "0x" + Long.toHexString(ids.getAndIncrement());
    filters.put(id, f);
    lastUsed.put(id, System.currentTimeMillis());
    return id;
  }

  boolean uninstall(String id) {
    lastUsed.remove(id);
    return filters.remove(id) != null;
  }

  /** What happened since the last poll. */
  JsonNode changes(String id) {
    Filter f = get(id);
    return switch (f) {
      case LogFilter l -> {
        synchronized (l) {
          long head = logs.headNumber();
          JsonNode out = logs.logs(l.criteria(), Optional.of(l.lastBlock()[0]));
          l.lastBlock()[0] = head;
          yield out;
        }
      }
      case BlockFilter b -> {
        synchronized (b) {
          ArrayNode out = JSON.arrayNode();
          b.hashes().forEach(out::add);
          b.hashes().clear();
          yield out;
        }
      }
      case PendingFilter p -> JSON.arrayNode();
    };
  }

  /** All logs a log filter matches. */
  JsonNode logs(String id) {
    if (!(get(id) instanceof LogFilter l)) {
      throw new RpcException(RpcException.SERVER_ERROR, "filter " + id + " is not a log filter");
    }
    return logs.logs(l.criteria(), Optional.empty());
  }

  void onNewHead(Block block) {
    for (Filter f : filters.values()) {
      if (f instanceof BlockFilter b) {
        synchronized (b) {
          b.hashes().add(block.hash().toHexString());
        }
      }
    }
  }

  private Filter get(String id) {
    Filter f = filters.get(id);
    if (f == null) {
      throw new RpcException(RpcException.SERVER_ERROR, "filter not found");
    }
    lastUsed.put(id, System.currentTimeMillis());
    return f;
  }

  private void expire() {
    long now = System.currentTimeMillis();
    lastUsed.forEach(
        (id, t) -> {
          if (now - t > EXPIRY_MILLIS) {
            uninstall(id);
          }
        });
  }
}
