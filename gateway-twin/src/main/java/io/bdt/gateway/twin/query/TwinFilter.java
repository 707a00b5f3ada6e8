package io.bdt.gateway.twin.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.gateway.twin.Twin;
import io.bdt.gateway.twin.TwinPaths;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A search condition on one twin (the RQL of Eclipse Ditto's search: {@code and, or, not, eq, ne,
 * gt, ge, lt, le, in, like, exists}). Comparisons hold only between values of the same kind:
 * numbers numerically, text lexicographically (so ISO-8601 instants in time order), booleans by
 * equality; a missing value matches nothing but {@code ne} and {@code not(exists)}.
 */
public sealed interface TwinFilter {

  /** Whether the twin matches. */
  boolean test(Twin twin);

  /** Every child matches. */
  record And(List<TwinFilter> all) implements TwinFilter {
    @Override
    public boolean test(Twin twin) {
      return all.stream().allMatch(f -> f.test(twin));
    }
  }

  /** Some child matches. */
  record Or(List<TwinFilter> any) implements TwinFilter {
    @Override
    public boolean test(Twin twin) {
      return any.stream().anyMatch(f -> f.test(twin));
    }
  }

  /** The child does not match. */
  record Not(TwinFilter negated) implements TwinFilter {
    @Override
    public boolean test(Twin twin) {
      return !negated.test(twin);
    }
  }

  /** The operators of {@link Compare}. */
  enum Op {
    EQ,
    NE,
    GT,
    GE,
    LT,
    LE
  }

  /** The value at {@code path} compared with {@code value}. */
  record Compare(Op op, String path, JsonNode value) implements TwinFilter {
    @Override
    public boolean test(Twin twin) {
      JsonNode actual = TwinPaths.resolve(twin, path);
      Integer c = Values.compare(actual, value);
      return switch (op) {
        case EQ -> c != null && c == 0;
        case NE -> c == null || c != 0;
        case GT -> c != null && c > 0;
        case GE -> c != null && c >= 0;
        case LT -> c != null && c < 0;
        case LE -> c != null && c <= 0;
      };
    }
  }

  /** The value at {@code path} equals one of {@code values}. */
  record In(String path, List<JsonNode> values) implements TwinFilter {
    @Override
    public boolean test(Twin twin) {
      JsonNode actual = TwinPaths.resolve(twin, path);
      return values.stream().anyMatch(v -> Integer.valueOf(0).equals(Values.compare(actual, v)));
    }
  }

  /**
   * The text at {@code path} matches a pattern where {@code *} is any run and {@code ?} one char.
   */
  record Like(String path, String pattern, Pattern regex) implements TwinFilter {
    /** The filter of a {@code like} pattern. */
    public static Like of(String path, String pattern) {
      StringBuilder re = new StringBuilder();
      for (char ch : pattern.toCharArray()) {
        re.append(
            switch (ch) {
              case '*' -> ".*";
              case '?' -> ".";
              default -> Pattern.quote(String.valueOf(ch));
            });
      }
      return new Like(path, pattern, Pattern.compile(re.toString(), Pattern.DOTALL));
    }

    @Override
    public boolean test(Twin twin) {
      JsonNode actual = TwinPaths.resolve(twin, path);
      return actual.isTextual() && regex.matcher(actual.textValue()).matches();
    }
  }

  /** Some value is at {@code path}. */
  record Exists(String path) implements TwinFilter {
    @Override
    public boolean test(Twin twin) {
      JsonNode actual = TwinPaths.resolve(twin, path);
      return !actual.isMissingNode() && !actual.isNull();
    }
  }
}
