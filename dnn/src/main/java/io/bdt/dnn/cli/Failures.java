package io.bdt.dnn.cli;

import io.bdt.dnn.onnx.InvalidModelException;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** Turns a rejected model or argument into one error line and exit status 2. */
final class Failures {

  /** Exit status for a model or argument the command rejects. */
  static final int BAD_INPUT = 2;

  private Failures() {}

  static int guard(CommandLine.Model.CommandSpec spec, Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (InvalidModelException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return BAD_INPUT;
    }
  }
}
