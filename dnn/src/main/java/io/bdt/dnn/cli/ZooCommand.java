package io.bdt.dnn.cli;

import io.bdt.dnn.zoo.ModelZoo;
import io.bdt.dnn.zoo.ZooModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./bdt dnn zoo}: writes the zoo's models as ONNX files. */
@Command(
    name = "zoo",
    mixinStandardHelpOptions = true,
    description = "Write the model zoo (fixed seeds) as DIR/<name>.onnx.")
public final class ZooCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @Option(
      names = "--model",
      paramLabel = "NAME",
      description = "Write only these models (repeatable); default: all.")
  List<String> names = new ArrayList<>();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return Failures.guard(
        spec,
        () -> {
          List<ZooModel> models =
              names.isEmpty() ? ModelZoo.all() : names.stream().map(ModelZoo::named).toList();
          PrintWriter w = spec.commandLine().getOut();
          for (ZooModel model : models) {
            Path file = ModelZoo.write(model, out);
            w.printf(
                "%-12s %8.1f MB  %s  (%s)%n",
                model.name(), Files.size(file) / 1e6, file, model.description());
            w.flush();
          }
          return 0;
        });
  }
}
