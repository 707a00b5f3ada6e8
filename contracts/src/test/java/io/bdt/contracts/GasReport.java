package io.bdt.contracts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Gas used per contract operation as measured on the live node; written as a Markdown table to
 * {@code target/gas-report.md} (and printed) when the test JVM exits.
 */
public final class GasReport {
  private static final Map<String, Long> GAS = new TreeMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(GasReport::write));
  }

  private GasReport() {}

  /** Records {@code receipt}'s gas as {@code contract}.{@code operation}; returns the receipt. */
  public static synchronized TransactionReceipt record(
      String contract, String operation, TransactionReceipt receipt) {
    GAS.putIfAbsent(contract + " | " + operation, receipt.getGasUsed().longValueExact());
    return receipt;
  }

  /** Records a deployment's gas. */
  public static synchronized void record(String contract, String operation, BigInteger gasUsed) {
    GAS.putIfAbsent(contract + " | " + operation, gasUsed.longValueExact());
  }

  private static synchronized void write() {
    if (GAS.isEmpty()) {
      return;
    }
    StringBuilder md = new StringBuilder("| contract | operation | gas used |\n|---|---|---:|\n");
    GAS.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    System.out.println("Gas used per operation (first measurement):\n" + md);
    try {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "gas-report.md"), md);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
