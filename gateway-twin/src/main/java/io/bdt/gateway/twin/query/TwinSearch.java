package io.bdt.gateway.twin.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.twin.Twin;
import io.bdt.gateway.twin.TwinPaths;
import io.bdt.gateway.twin.TwinStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Runs a search over a {@link TwinStore}: filter, sort, and a page of at most {@code limit} twins
 * with an opaque cursor to the next page. Plans in two ways: an {@code eq} on an indexed path (at
 * the top or in a top-level {@code and}) reads only the twins the index names; anything else scans
 * every twin. Sorted by thing id only (the default), a scan stops after one page; another sort
 * keeps the best {@code limit + 1} in a heap (memory bounded by the page, not the store).
 */
public final class TwinSearch {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RqlParser.SortKey BY_ID = new RqlParser.SortKey("thingId", false);

  /**
   * One search.
   *
   * @param filter the condition (null: every twin)
   * @param namespace only twins of this namespace (null: all)
   * @param sort sort keys (thing id ascending is added last as the tie-breaker)
   * @param limit page size
   * @param cursor the cursor of the previous page (null: the first page)
   * @param fingerprint text identifying the query, so a cursor is used only with its own query
   */
  public record Query(
      TwinFilter filter,
      String namespace,
      List<RqlParser.SortKey> sort,
      int limit,
      String cursor,
      String fingerprint) {}

  /** One page: the twins, and the cursor of the next page (null on the last page). */
  public record Page(List<Twin> items, String nextCursor) {}

  /** How a search was run ({@code index} or {@code scan}) and the twins it examined. */
  public record Plan(String kind, long examined) {}

  private record Row(Twin twin, List<JsonNode> keys) {}

  private final TwinStore store;

  public TwinSearch(TwinStore store) {
    this.store = store;
  }

  /** Runs {@code q}; throws {@link InvalidQueryException} for a cursor of another query. */
  public Page run(Query q) {
    return run(q, null);
  }

  /** Runs {@code q}, reporting how to {@code plan} (may be null). */
  public Page run(Query q, java.util.function.Consumer<Plan> plan) {
    return run(q, id -> true, plan);
  }

  /**
   * Runs {@code q} over the twins whose ids pass {@code readable} only (a caller's twin grants), so
   * pages are full and cursors work as without it; reports how to {@code plan} (may be null).
   */
  public Page run(
      Query q,
      java.util.function.Predicate<String> readable,
      java.util.function.Consumer<Plan> plan) {
    List<RqlParser.SortKey> sort = new ArrayList<>(q.sort());
    if (sort.isEmpty() || !sort.get(sort.size() - 1).path().equals("thingId")) {
      sort.add(BY_ID);
    }
    boolean byIdOnly = sort.size() == 1 && !sort.get(0).descending();
    Comparator<Row> order = comparator(sort);
    Row after = q.cursor() == null ? null : decode(q.cursor(), q.fingerprint(), sort.size());
    String afterId = after == null ? null : after.twin().thingId();

    Optional<TwinFilter.Compare> indexed = indexedEq(q.filter());
    Iterator<Twin> candidates;
    String prefix = q.namespace() == null ? null : q.namespace() + ":";
    if (indexed.isPresent()) {
      TwinFilter.Compare eq = indexed.get();
      Iterator<String> ids = store.idsWhere(eq.path(), eq.value(), byIdOnly ? afterId : null);
      candidates =
          new Iterator<>() {
            private Twin next = advance();

            private Twin advance() {
              while (ids.hasNext()) {
                Optional<Twin> t = store.get(ids.next());
                if (t.isPresent()) {
                  return t.get();
                }
              }
              return null;
            }

            @Override
            public boolean hasNext() {
              return next != null;
            }

            @Override
            public Twin next() {
              Twin t = next;
              next = advance();
              return t;
            }
          };
    } else {
      String from = byIdOnly && afterId != null ? afterId + '\0' : prefix;
      candidates = store.scan(from);
    }

    PriorityQueue<Row> best = new PriorityQueue<>(order.reversed());
    List<Row> inOrder = new ArrayList<>();
    long examined = 0;
    while (candidates.hasNext()) {
      Twin twin = candidates.next();
      examined++;
      if (prefix != null && !twin.thingId().startsWith(prefix)) {
        if (indexed.isEmpty() && twin.thingId().compareTo(prefix) > 0) {
          break; // a scan in id order has left the namespace
        }
        continue;
      }
      if (!readable.test(twin.thingId())) {
        continue;
      }
      if (q.filter() != null && !q.filter().test(twin)) {
        continue;
      }
      Row row = new Row(twin, keys(twin, sort));
      if (after != null && order.compare(row, after) <= 0) {
        continue;
      }
      if (byIdOnly) {
        inOrder.add(row);
        if (inOrder.size() > q.limit()) {
          break;
        }
      } else {
        best.add(row);
        if (best.size() > q.limit() + 1) {
          best.poll();
        }
      }
    }
    if (plan != null) {
      plan.accept(new Plan(indexed.isPresent() ? "index" : "scan", examined));
    }
    List<Row> rows = byIdOnly ? inOrder : new ArrayList<>(best);
    rows.sort(order);
    boolean more = rows.size() > q.limit();
    List<Row> page = more ? rows.subList(0, q.limit()) : rows;
    String next = more ? encode(page.get(page.size() - 1), q.fingerprint()) : null;
    return new Page(page.stream().map(Row::twin).toList(), next);
  }

  /** An {@code eq} on an indexed path, at the top or as a child of a top-level {@code and}. */
  private Optional<TwinFilter.Compare> indexedEq(TwinFilter filter) {
    List<TwinFilter> terms =
        filter instanceof TwinFilter.And and
            ? and.all()
            : filter == null ? List.of() : List.of(filter);
    for (TwinFilter f : terms) {
      if (f instanceof TwinFilter.Compare c
          && c.op() == TwinFilter.Op.EQ
          && store.indexed(c.path())
          && TwinPaths.indexKey(c.value()) != null) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  private static List<JsonNode> keys(Twin twin, List<RqlParser.SortKey> sort) {
    List<JsonNode> keys = new ArrayList<>(sort.size());
    for (RqlParser.SortKey k : sort) {
      keys.add(TwinPaths.resolve(twin, k.path()));
    }
    return keys;
  }

  private static Comparator<Row> comparator(List<RqlParser.SortKey> sort) {
    return (a, b) -> {
      for (int i = 0; i < sort.size(); i++) {
        int c = Values.order(a.keys().get(i), b.keys().get(i));
        if (c != 0) {
          return sort.get(i).descending() ? -c : c;
        }
      }
      return 0;
    };
  }

  private static String encode(Row last, String fingerprint) {
    ObjectNode json = JSON.createObjectNode();
    json.put("q", fingerprint);
    json.put("id", last.twin().thingId());
    ArrayNode keys = json.putArray("k");
    last.keys().forEach(k -> keys.add(k.isMissingNode() ? JSON.nullNode() : k));
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The last row of the previous page (a twin stand-in carrying its id and sort keys). */
  private static Row decode(String cursor, String fingerprint, int keyCount) {
    JsonNode json;
    try {
      json = JSON.readTree(Base64.getUrlDecoder().decode(cursor));
    } catch (IllegalArgumentException | IOException e) {
      throw new InvalidQueryException("cursor", "cursor: not a cursor returned by this search");
    }
    if (json == null
        || !fingerprint.equals(json.path("q").asText())
        || !json.path("id").isTextual()
        || json.path("k").size() != keyCount) {
      throw new InvalidQueryException(
          "cursor",
          "cursor: belongs to another query (filter, namespace and sort must stay the same)");
    }
    List<JsonNode> keys = new ArrayList<>();
    json.path("k").forEach(keys::add);
    Twin standIn =
        new Twin(
            json.path("id").asText(),
            JSON.createObjectNode(),
            java.util.Map.of(),
            1,
            java.time.Instant.EPOCH,
            java.time.Instant.EPOCH);
    return new Row(standIn, keys);
  }
}
