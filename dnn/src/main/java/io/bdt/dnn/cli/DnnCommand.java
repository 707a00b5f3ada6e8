package io.bdt.dnn.cli;

import io.bdt.dnn.profile.ProfileCommand;
import io.bdt.dnn.vibration.VibrationReportCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./bdt dnn}: ONNX model analysis, splitting, verification and the model zoo. */
@Command(
    name = "dnn",
    mixinStandardHelpOptions = true,
    description = "Analyse, split and verify ONNX models; write the model zoo.",
    subcommands = {
      InspectCommand.class,
      SplitCommand.class,
      VerifyCommand.class,
      ZooCommand.class,
      ZooTablesCommand.class,
      ProfileCommand.class,
      VibrationReportCommand.class
    })
public final class DnnCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
