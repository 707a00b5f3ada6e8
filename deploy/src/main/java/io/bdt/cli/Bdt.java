package io.bdt.cli;

import io.bdt.bench.BenchTablesCommand;
import io.bdt.bench.IngestBenchCommand;
import io.bdt.consensus.node.GenesisCommand;
import io.bdt.consensus.node.NodeCommand;
import io.bdt.dnn.cli.DnnCommand;
import io.bdt.optimizer.cli.CompareCommand;
import io.bdt.optimizer.cli.SimulateCommand;
import io.bdt.optimizer.cost.CostTableCommand;
import io.bdt.platform.EventsCommand;
import io.bdt.platform.LatencyCommand;
import io.bdt.platform.PkiCommand;
import io.bdt.platform.PlatformCommand;
import io.bdt.platform.ReproduceCommand;
import io.bdt.platform.SoakCommand;
import io.bdt.platform.TokenCommand;
import io.bdt.platform.contracts.ContractsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./bdt} command: every module's commands behind one entry point. */
@Command(
    name = "bdt",
    mixinStandardHelpOptions = true,
    version = "B-DT 0.1.0-SNAPSHOT",
    description = "Blockchain-enabled digital twins for wireless industrial IoT.",
    subcommands = {
      CommandLine.HelpCommand.class,
      PlatformCommand.class,
      EventsCommand.class,
      TokenCommand.class,
      ContractsCommand.class,
      PkiCommand.class,
      LatencyCommand.class,
      ReproduceCommand.class,
      NodeCommand.class,
      GenesisCommand.class,
      DnnCommand.class,
      CostTableCommand.class,
      SimulateCommand.class,
      CompareCommand.class,
      BenchTablesCommand.class,
      IngestBenchCommand.class,
      SoakCommand.class
    })
public final class Bdt implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new Bdt());
  }
}
