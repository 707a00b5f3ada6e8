package io.bdt.gateway.twin.query;

import com.fasterxml.jackson.databind.JsonNode;

/** Ordering of the JSON values search compares and sorts. */
final class Values {

  private Values() {}

  /**
   * {@code a} against {@code b} (negative, zero, positive), or null when they are not of one
   * comparable kind (number, text, boolean) or either is missing.
   */
  static Integer compare(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    if (a.isTextual() && b.isTextual()) {
      return a.textValue().compareTo(b.textValue());
    }
    if (a.isBoolean() && b.isBoolean()) {
      return Boolean.compare(a.booleanValue(), b.booleanValue());
    }
    return null;
  }

  /**
   * A total order for sorting: missing and null first, then booleans, numbers, text, and anything
   * else (by its JSON text).
   */
  static int order(JsonNode a, JsonNode b) {
    int ka = kind(a);
    int kb = kind(b);
    if (ka != kb) {
      return Integer.compare(ka, kb);
    }
    Integer c = compare(a, b);
    return c != null ? c : ka == 0 ? 0 : a.toString().compareTo(b.toString());
  }

  private static int kind(JsonNode v) {
    if (v.isMissingNode() || v.isNull()) {
      return 0;
    }
    if (v.isBoolean()) {
      return 1;
    }
    if (v.isNumber()) {
      return 2;
    }
    if (v.isTextual()) {
      return 3;
    }
    return 4;
  }
}
