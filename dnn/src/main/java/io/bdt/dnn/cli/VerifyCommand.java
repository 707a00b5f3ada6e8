package io.bdt.dnn.cli;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.split.CutCheck;
import io.bdt.dnn.split.SplitVerifier;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./bdt dnn verify}: splits at every cut, runs head then tail and the whole model on the
 * same random input, and prints one JSON object per cut.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Split at every cut, run head then tail vs the whole model on a random input, and print one"
          + " JSON object per cut.",
      "Exit status: 0 all cuts within 1e-5 absolute or 1e-4 relative (whichever is larger), 1 a"
          + " cut exceeds it or no cut was found, 2 bad model or option."
    })
public final class VerifyCommand implements Callable<Integer> {

  @Mixin ModelOptions options;

  @Option(names = "--seed", description = "Seed of the random input (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return Failures.guard(
        spec,
        () -> {
          GraphAnalysis a = options.analyze();
          PrintWriter out = spec.commandLine().getOut();
          PrintWriter err = spec.commandLine().getErr();
          if (a.cuts().size() <= 2) {
            err.println(
                "error: no cut found between the inputs and outputs of "
                    + options.model
                    + " (only full offload and fully local)");
            err.flush();
            return 1;
          }
          ObjectMapper json = new ObjectMapper();
          int failed = 0;
          try (SplitVerifier verifier =
              new SplitVerifier(
                  OrtEnvironment.getEnvironment(), a, seed, options.fillValues(a.model()))) {
            for (CutPoint cut : a.cuts()) {
              CutCheck check = verifier.check(cut.id());
              if (!check.passes()) {
                failed++;
              }
              Map<String, Object> line = new LinkedHashMap<>();
              line.put("cut", cut.id());
              line.put("tensors", cut.tensorNames());
              line.put("headFlops", cut.headFlops());
              line.put("tailFlops", cut.tailFlops());
              line.put("bits", cut.bits());
              line.put("maxAbsDiff", check.maxAbsDiff());
              line.put("toleranceRatio", check.worstRatio());
              line.put("pass", check.passes());
              out.println(json.writeValueAsString(line));
              out.flush();
            }
          }
          if (failed > 0) {
            err.printf(
                "error: %d of %d cuts differ from the whole model by more than %g absolute and"
                    + " %g relative%n",
                failed, a.cuts().size(), SplitVerifier.ABS_TOLERANCE, SplitVerifier.REL_TOLERANCE);
            err.flush();
            return 1;
          }
          return 0;
        });
  }
}
