package io.bdt.platform.contracts;

import io.bdt.ap.chain.PlatformChain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A network's chain id, planned contract addresses and the gateways its ledger approves: the
 * overlay's {@code contracts.env} ({@code key=value} lines), which Kustomize turns into the {@code
 * bdt-contracts} ConfigMap; read back from that file or from the ConfigMap mounted as a directory
 * (one file per key).
 */
public record ContractsFile(
    long chainId, PlatformChain.Contracts addresses, List<String> gateways) {
  /** The file's name in an overlay. */
  public static final String NAME = "contracts.env";

  static final String CHAIN_ID = "chain-id";
  static final String LEDGER = "reputation-ledger";
  static final String ANCHOR = "twin-anchor";
  static final String REGISTRY = "device-registry";
  static final String GATEWAYS = "gateways";

  public ContractsFile {
    gateways = List.copyOf(gateways);
  }

  /** The entries of the {@code bdt-contracts} ConfigMap this file fills, by key. */
  public Map<String, String> entries() {
    Map<String, String> e = new LinkedHashMap<>();
    e.put(CHAIN_ID, Long.toString(chainId));
    e.put(LEDGER, addresses.reputationLedger());
    e.put(ANCHOR, addresses.twinAnchor());
    e.put(REGISTRY, addresses.deviceRegistry());
    e.put(GATEWAYS, String.join(",", gateways));
    return e;
  }

  void write(Path file) throws IOException {
    Files.writeString(
        file,
        "# the network's contracts (planned by bdt contracts network, deployed by the Job contracts)\n"
            + CHAIN_ID
            + "="
            + chainId
            + "\n"
            + LEDGER
            + "="
            + addresses.reputationLedger()
            + "\n"
            + ANCHOR
            + "="
            + addresses.twinAnchor()
            + "\n"
            + REGISTRY
            + "="
            + addresses.deviceRegistry()
            + "\n"
            + GATEWAYS
            + "="
            + String.join(",", gateways)
            + "\n");
  }

  /** Reads {@code path}: a {@code key=value} file, or a directory with one file per key. */
  public static ContractsFile read(Path path) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    if (Files.isDirectory(path)) {
      for (String key : List.of(CHAIN_ID, LEDGER, ANCHOR, REGISTRY, GATEWAYS)) {
        Path f = path.resolve(key);
        if (Files.exists(f)) {
          values.put(key, Files.readString(f).strip());
        }
      }
    } else {
      for (String line : Files.readAllLines(path)) {
        int eq = line.indexOf('=');
        if (!line.isBlank() && !line.startsWith("#") && eq > 0) {
          values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
      }
    }
    for (String key : List.of(CHAIN_ID, LEDGER, ANCHOR, REGISTRY)) {
      if (values.getOrDefault(key, "").isEmpty()) {
        throw new IOException(path + ": no " + key);
      }
    }
    String gws = values.getOrDefault(GATEWAYS, "");
    return new ContractsFile(
        Long.parseLong(values.get(CHAIN_ID)),
        new PlatformChain.Contracts(values.get(LEDGER), values.get(ANCHOR), values.get(REGISTRY)),
        gws.isEmpty() ? List.of() : Stream.of(gws.split(",")).map(String::strip).toList());
  }
}
