package io.bdt.optimizer.cost;

import java.util.List;

/** A cost table (or its JSON) broke one or more rules; the message lists each as field: rule. */
public final class InvalidCostTableException extends IllegalArgumentException {

  private final List<String> problems;

  public InvalidCostTableException(String source, List<String> problems) {
    super("invalid cost table " + source + ":\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each broken rule as {@code field: rule, was value}. */
  public List<String> problems() {
    return problems;
  }
}
