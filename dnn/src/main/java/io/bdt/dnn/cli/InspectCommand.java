package io.bdt.dnn.cli;

import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.profile.CostTableFile;
import java.io.PrintWriter;
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
            out.print(CostTableFile.json(a));
          } else {
            printTable(a, out);
          }
          out.flush();
          return 0;
        });
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
