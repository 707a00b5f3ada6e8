package io.bdt.optimizer.cost;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./bdt cost-table}: lists the built-in models with their totals, or shows one model's cost
 * table per cut, or writes it as cost-table JSON (to start a custom or profiled table from).
 */
@Command(
    name = "cost-table",
    mixinStandardHelpOptions = true,
    description = {
      "Without MODEL: list the built-in DNN cost tables with MACs, FLOPs and parameters.",
      "With MODEL (a built-in name or a cost-table .json file): print its cuts, or write them as"
          + " cost-table JSON with --json / --out."
    })
public final class CostTableCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "MODEL",
      description = "Built-in model name or cost-table .json file.")
  String model;

  @Option(names = "--json", description = "Print the table as cost-table JSON.")
  boolean json;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the table as JSON to FILE.")
  Path out;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (model == null) {
      list(stdout);
      return 0;
    }
    CostTable table;
    try {
      table =
          model.endsWith(".json") ? CostTableJson.read(Path.of(model)) : BuiltinModels.get(model);
    } catch (RuntimeException e) {
      err.println("bdt cost-table: " + e.getMessage());
      return 2;
    }
    if (out != null) {
      CostTableJson.write(table, out);
      stdout.println("wrote " + out + " (" + table.cuts().size() + " cuts)");
    } else if (json) {
      stdout.print(CostTableJson.write(table));
    } else {
      cuts(table, stdout);
    }
    stdout.flush();
    return 0;
  }

  private static void list(PrintWriter out) {
    out.printf("%-13s %5s %16s %12s %12s%n", "model", "cuts", "FLOPs", "input bits", "output bits");
    for (String name : BuiltinModels.names()) {
      CostTable table = BuiltinModels.get(name);
      out.printf(
          "%-13s %5d %,16.0f %,12.0f %,12.0f%n",
          name,
          table.cuts().size(),
          table.cut(0).tailFlops(),
          table.inputBits(),
          table.outputBits());
    }
    out.flush();
  }

  private static void cuts(CostTable table, PrintWriter out) {
    out.printf(
        "%s: %d cuts, input %,.0f bits, output %,.0f bits%n",
        table.model(), table.cuts().size(), table.inputBits(), table.outputBits());
    out.printf("%4s  %-22s %14s %14s %14s%n", "k", "after", "head GFLOP", "tail GFLOP", "bits");
    for (CostTable.Cut cut : table.cuts()) {
      out.printf(
          "%4d  %-22s %14.6f %14.6f %,14.0f%n",
          cut.id(), cut.label(), cut.headFlops() / 1e9, cut.tailFlops() / 1e9, cut.bits());
    }
  }
}
