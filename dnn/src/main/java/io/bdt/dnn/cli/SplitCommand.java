package io.bdt.dnn.cli;

import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./bdt dnn split}: writes head.onnx and tail.onnx for one cut. */
@Command(
    name = "split",
    mixinStandardHelpOptions = true,
    description = "Split a model at a cut into DIR/head.onnx and DIR/tail.onnx.")
public final class SplitCommand implements Callable<Integer> {

  @Mixin ModelOptions options;

  @Option(names = "--cut", required = true, paramLabel = "ID", description = "Cut id from inspect.")
  int cut;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return Failures.guard(
        spec,
        () -> {
          GraphAnalysis a = options.analyze();
          SplitModel split = ModelSplitter.split(a, cut);
          split.write(out);
          PrintWriter w = spec.commandLine().getOut();
          w.printf(
              "cut %d (%s): head %d nodes, %d FLOPs -> %s; tail %d nodes, %d FLOPs -> %s; %d bits"
                  + " per sample cross%n",
              cut,
              split.cut().label(),
              split.head().getGraph().getNodeCount(),
              split.cut().headFlops(),
              out.resolve("head.onnx"),
              split.tail().getGraph().getNodeCount(),
              split.cut().tailFlops(),
              out.resolve("tail.onnx"),
              split.cut().bits());
          w.flush();
          return 0;
        });
  }
}
