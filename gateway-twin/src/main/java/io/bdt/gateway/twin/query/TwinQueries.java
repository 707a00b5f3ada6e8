package io.bdt.gateway.twin.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.bdt.gateway.twin.TwinPaths;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the query parameters of {@code GET /twins} into a {@link TwinSearch.Query}: each {@code
 * filter} is RQL ({@link RqlParser}) or the earlier {@code path=value} form (the value's text, or
 * the number or boolean it spells), all of them and-ed; {@code sort} as {@link RqlParser#sort};
 * {@code limit} in [1, 10000].
 */
public final class TwinQueries {

  /** Largest page. */
  public static final int MAX_LIMIT = 10_000;

  private TwinQueries() {}

  /** The query; throws {@link InvalidQueryException} naming the parameter that is wrong. */
  public static TwinSearch.Query parse(
      String namespace, List<String> filters, String sort, String cursor, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidQueryException(
          "limit", "limit must be in [1, " + MAX_LIMIT + "], got " + limit);
    }
    List<TwinFilter> terms = new ArrayList<>();
    for (String f : filters == null ? List.<String>of() : filters) {
      terms.add(f.contains("(") ? RqlParser.filter(f) : legacy(f));
    }
    TwinFilter filter =
        terms.isEmpty() ? null : terms.size() == 1 ? terms.get(0) : new TwinFilter.And(terms);
    List<RqlParser.SortKey> keys =
        sort == null || sort.isBlank() ? List.of() : RqlParser.sort(sort);
    String fingerprint =
        Integer.toHexString(
            String.join("\u0001", filters == null ? List.of() : filters).hashCode() * 31
                + (namespace + "\u0001" + sort).hashCode());
    return new TwinSearch.Query(filter, namespace, keys, limit, cursor, fingerprint);
  }

  /** {@code path=value}: the value as text, or the number or boolean it spells. */
  private static TwinFilter legacy(String f) {
    int eq = f.indexOf('=');
    if (eq <= 0) {
      throw new InvalidQueryException(
          "filter", "filter must be RQL like eq(attributes/site,\"a\") or path=value, got " + f);
    }
    String path;
    try {
      path = TwinPaths.require(f.substring(0, eq));
    } catch (IllegalArgumentException e) {
      throw new InvalidQueryException("filter", "filter: " + e.getMessage());
    }
    String value = f.substring(eq + 1);
    List<JsonNode> values = new ArrayList<>();
    values.add(JsonNodeFactory.instance.textNode(value));
    if (value.equals("true") || value.equals("false")) {
      values.add(JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(value)));
    }
    try {
      values.add(JsonNodeFactory.instance.numberNode(new BigDecimal(value)));
    } catch (NumberFormatException notANumber) {
      // text only
    }
    return new TwinFilter.In(path, values);
  }
}
