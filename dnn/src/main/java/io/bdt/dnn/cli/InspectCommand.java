package io.bdt.dnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./bdt dnn inspect}: prints a model's cut table. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description =
        "Print the cut table: id, crossing tensors, head and tail FLOPs, bits per sample.")
public final class InspectCommand implements Callable<Integer> {

  @Mixin ModelOptions options;

  @Option(
      names = "--json",
      description = "Print the optimizer's cost-table JSON instead of the text table.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return Failures.guard(
        spec,
        () -> {
          GraphAnalysis a = options.analyze();
          PrintWriter out = spec.commandLine().getOut();
          if (json) {
            out.println(
                new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(costTable(a)));
          } else {
            printTable(a, out);
          }
          out.flush();
          return 0;
        });
  }

  /**
   * The cut table in the optimizer's cost-table JSON format, schema version 1 (docs/cost-table.md).
   */
  static Map<String, Object> costTable(GraphAnalysis a) {
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("schemaVersion", 1);
    table.put("model", a.name());
    table.put("inputBits", a.inputBits());
    table.put("outputBits", a.outputBits());
    List<Map<String, Object>> cuts = new ArrayList<>();
    for (CutPoint c : a.cuts()) {
      Map<String, Object> cut = new LinkedHashMap<>();
      cut.put("id", c.id());
      cut.put("label", c.label());
      cut.put("headFlops", c.headFlops());
      cut.put("tailFlops", c.tailFlops());
      cut.put("bits", c.bits());
      cuts.add(cut);
    }
    table.put("cuts", cuts);
    return table;
  }

  private static void printTable(GraphAnalysis a, PrintWriter out) {
    out.printf(
        "model %s: %d nodes, %s FLOPs per sample, input %d bits, output %d bits, %d cuts%n",
        a.name(),
        a.layers().size(),
        human(a.totalFlops()),
        a.inputBits(),
        a.outputBits(),
        a.cuts().size());
    int width = 7;
    for (CutPoint c : a.cuts()) {
      width = Math.max(width, Math.min(60, c.label().length()));
    }
    String format = "%4s  %-" + width + "s  %14s  %14s  %12s%n";
    out.printf(format, "id", "tensors", "head FLOPs", "tail FLOPs", "bits");
    for (CutPoint c : a.cuts()) {
      String label = c.label().length() > 60 ? c.label().substring(0, 57) + "..." : c.label();
      out.printf(format, c.id(), label, c.headFlops(), c.tailFlops(), c.bits());
    }
  }

  private static String human(long flops) {
    return flops >= 1e9
        ? String.format("%.2f G", flops / 1e9)
        : String.format("%.2f M", flops / 1e6);
  }
}
