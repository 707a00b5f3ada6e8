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
    quietLogbackStatus();
    System.exit(commandLine().execute(args));
  }

  /**
   * Keeps Logback's own status lines off the console. HiveMQ reconfigures Logback from its
   * configuration folder while the embedded Kafka is logging, and Logback then reports "no
   * appenders present" and, with it, every status line of both configurations (about 40 lines of
   * "|-INFO in ch.qos.logback..." before the platform's own output). A status listener in the
   * context makes Logback leave the printing to it; Logback installs the one this property names at
   * every configuration. An operator's own {@code -Dlogback.statusListenerClass} wins.
   */
  static void quietLogbackStatus() {
    if (System.getProperty("logback.statusListenerClass") == null) {
      System.setProperty(
          "logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
    }
  }

  /** The configured command line, for tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new Bdt());
  }
}
