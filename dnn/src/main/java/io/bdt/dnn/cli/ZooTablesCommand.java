package io.bdt.dnn.cli;

import io.bdt.dnn.zoo.ZooCostTables;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./bdt dnn zoo-tables}: writes the optimizer's built-in cost tables from the zoo. */
@Command(
    name = "zoo-tables",
    mixinStandardHelpOptions = true,
    description =
        "Write the optimizer's built-in cost tables (stage cuts of the zoo's ONNX graphs) as"
            + " DIR/<name>.json; the optimizer reads them from"
            + " optimizer/src/main/resources/io/bdt/optimizer/cost/zoo.")
public final class ZooTablesCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return Failures.guard(
        spec,
        () -> {
          PrintWriter w = spec.commandLine().getOut();
          for (Path file : ZooCostTables.writeAll(out)) {
            w.println(file);
          }
          w.flush();
          return 0;
        });
  }
}
