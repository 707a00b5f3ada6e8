package io.bdt.gateway.twin.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.bdt.gateway.twin.TwinPaths;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses RQL filters and sort options, the syntax of Eclipse Ditto's search: {@code
 * and(eq(attributes/site,"a"),gt(features/vibration/properties/rms,0.5))}, {@code sort(-_modified)}
 * or {@code -_modified,+thingId}. Values are JSON literals: {@code "text"} (with {@code \"} and
 * {@code \\} escapes), numbers, {@code true}, {@code false}, {@code null}. Errors name the
 * position.
 */
public final class RqlParser {

  private final String text;
  private int pos;

  private RqlParser(String text) {
    this.text = text;
  }

  /** The filter in {@code text}; throws {@link InvalidQueryException} naming what is wrong. */
  public static TwinFilter filter(String text) {
    RqlParser p = new RqlParser(text);
    TwinFilter f = p.query();
    if (p.pos != text.length()) {
      throw p.error("unexpected '" + text.charAt(p.pos) + "' after the end of the filter");
    }
    return f;
  }

  /** One sort key: a property and its direction. */
  public record SortKey(String path, boolean descending) {}

  /**
   * The sort keys of {@code text}: {@code sort(+a,-b)} or {@code +a,-b} ({@code +} may be left
   * out).
   */
  public static List<SortKey> sort(String text) {
    String body = text.trim();
    if (body.startsWith("sort(") && body.endsWith(")")) {
      body = body.substring(5, body.length() - 1);
    }
    List<SortKey> keys = new ArrayList<>();
    for (String part : body.split(",", -1)) {
      String p = part.trim();
      boolean descending = p.startsWith("-");
      if (p.startsWith("-") || p.startsWith("+")) {
        p = p.substring(1);
      }
      if (p.isEmpty()) {
        throw new InvalidQueryException("sort", "sort: empty property in '" + text + "'");
      }
      try {
        keys.add(new SortKey(TwinPaths.require(p), descending));
      } catch (IllegalArgumentException e) {
        throw new InvalidQueryException("sort", "sort: " + e.getMessage());
      }
    }
    return keys;
  }

  private TwinFilter query() {
    int start = pos;
    String op = word();
    if (op.isEmpty()) {
      throw error("expected an operator (and, or, not, eq, ne, gt, ge, lt, le, in, like, exists)");
    }
    expect('(');
    TwinFilter f =
        switch (op) {
          case "and", "or" -> {
            List<TwinFilter> children = new ArrayList<>();
            children.add(query());
            while (peek() == ',') {
              pos++;
              children.add(query());
            }
            yield op.equals("and") ? new TwinFilter.And(children) : new TwinFilter.Or(children);
          }
          case "not" -> new TwinFilter.Not(query());
          case "eq", "ne", "gt", "ge", "lt", "le" -> {
            String path = property();
            expect(',');
            yield new TwinFilter.Compare(
                TwinFilter.Op.valueOf(op.toUpperCase(java.util.Locale.ROOT)), path, value());
          }
          case "in" -> {
            String path = property();
            List<JsonNode> values = new ArrayList<>();
            do {
              expect(',');
              values.add(value());
            } while (peek() == ',');
            yield new TwinFilter.In(path, values);
          }
          case "like" -> {
            String path = property();
            expect(',');
            JsonNode pattern = value();
            if (!pattern.isTextual()) {
              throw error("like needs a \"text\" pattern");
            }
            yield TwinFilter.Like.of(path, pattern.textValue());
          }
          case "exists" -> new TwinFilter.Exists(property());
          default -> {
            pos = start;
            throw error("unknown operator '" + op + "'");
          }
        };
    expect(')');
    return f;
  }

  private String word() {
    int start = pos;
    while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private String property() {
    int start = pos;
    while (pos < text.length() && ",()\"".indexOf(text.charAt(pos)) < 0) {
      pos++;
    }
    String path = text.substring(start, pos).trim();
    try {
      return TwinPaths.require(path);
    } catch (IllegalArgumentException e) {
      pos = start;
      throw error(e.getMessage());
    }
  }

  private JsonNode value() {
    char c = peek();
    if (c == '"') {
      return JsonNodeFactory.instance.textNode(string());
    }
    int start = pos;
    while (pos < text.length() && ",)".indexOf(text.charAt(pos)) < 0) {
      pos++;
    }
    String literal = text.substring(start, pos).trim();
    switch (literal) {
      case "true":
        return JsonNodeFactory.instance.booleanNode(true);
      case "false":
        return JsonNodeFactory.instance.booleanNode(false);
      case "null":
        return JsonNodeFactory.instance.nullNode();
      default:
        break;
    }
    try {
      return JsonNodeFactory.instance.numberNode(new BigDecimal(literal));
    } catch (NumberFormatException e) {
      pos = start;
      throw error(
          "expected a value (\"text\", a number, true, false or null), got '" + literal + "'");
    }
  }

  private String string() {
    int start = pos;
    pos++; // opening quote
    StringBuilder out = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c == '\\' && pos < text.length()) {
        c = text.charAt(pos++);
      }
      out.append(c);
    }
    pos = start;
    throw error("unterminated string");
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error(
          "expected '"
              + c
              + "'"
              + (pos < text.length() ? ", got '" + peek() + "'" : ", got the end"));
    }
    pos++;
  }

  private InvalidQueryException error(String what) {
    return new InvalidQueryException(
        "filter", "filter: " + what + " at position " + pos + " of '" + text + "'");
  }
}
