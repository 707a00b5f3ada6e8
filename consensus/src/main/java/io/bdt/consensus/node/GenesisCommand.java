package io.bdt.consensus.node;

import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.keys.KeyFile;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bdt genesis}: writes a genesis file for a set of APs, given by address and reputation or
 * generated (keys and one node config per AP, wired as a full mesh on loopback).
 */
@Command(
    name = "genesis",
    mixinStandardHelpOptions = true,
    description = "Write a genesis file (and, with --generate, AP keys and node configs).")
public final class GenesisCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "Genesis file to write.")
  Path out;

  @Option(names = "--chain-id", defaultValue = "3031", description = "Chain id.")
  long chainId;

  @Option(names = "--gas-limit", defaultValue = "30000000", description = "Block gas limit.")
  long gasLimit;

  @Option(
      names = "--base-fee",
      defaultValue = "1000000000",
      description = "Initial base fee (wei per gas).")
  BigInteger baseFee;

  @Option(
      names = "--base-difficulty",
      defaultValue = "1000000",
      description = "D_0: difficulty (expected hashes) of an AP with reputation 0.")
  BigInteger baseDifficulty;

  @Option(names = "--eta", defaultValue = "2.0", description = "eta in D_m = D_0 exp(-eta R_m).")
  double eta;

  @Option(names = "--ap", description = "A registered AP as ADDRESS=REPUTATION (repeatable).")
  List<String> aps = new ArrayList<>();

  @Option(names = "--alloc", description = "A prefunded account as ADDRESS=WEI (repeatable).")
  List<String> alloc = new ArrayList<>();

  @Option(
      names = "--generate",
      defaultValue = "0",
      description = "Generate this many AP keys (reputation --reputation) with node configs.")
  int generate;

  @Option(
      names = "--reputation",
      defaultValue = "0.5",
      description = "Reputation of generated APs.")
  double reputation;

  @Option(
      names = "--first-port",
      defaultValue = "8545",
      description =
          "Generated node i gets RPC port first+i, WebSocket first+50+i, P2P first+100+i.")
  int firstPort;

  @Override
  public Integer call() throws Exception {
    List<ChainSpec.AccessPoint> points = new ArrayList<>();
    for (String ap : aps) {
      String[] kv = split(ap, "--ap");
      points.add(new ChainSpec.AccessPoint(kv[0], Double.parseDouble(kv[1])));
    }
    Map<String, BigInteger> funds = new LinkedHashMap<>();
    for (String a : alloc) {
      String[] kv = split(a, "--alloc");
      funds.put(kv[0], new BigInteger(kv[1]));
    }
    Path dir = out.toAbsolutePath().getParent();
    List<Credentials> generated = new ArrayList<>();
    for (int i = 0; i < generate; i++) {
      Credentials c = Credentials.create(Keys.createEcKeyPair());
      generated.add(c);
      points.add(new ChainSpec.AccessPoint(c.getAddress(), reputation));
    }
    ChainSpec spec =
        new ChainSpec(
            chainId,
            gasLimit,
            baseFee,
            System.currentTimeMillis() / 1000,
            new ChainSpec.DifficultySpec(baseDifficulty, eta),
            funds,
            points);
    spec.write(out);
    System.out.println("wrote " + out + " with " + points.size() + " APs");
    for (int i = 0; i < generated.size(); i++) {
      Path key = dir.resolve("ap" + i + ".key");
      // owner-only from its first byte: never written world-readable and chmod-ed after
      KeyFile.write(key, generated.get(i));
      List<String> peers = new ArrayList<>();
      for (int j = 0; j < generated.size(); j++) {
        if (j != i) {
          peers.add("ws://127.0.0.1:" + (firstPort + 100 + j));
        }
      }
      new NodeFile(
              out.getFileName().toString(),
              "data/ap" + i,
              "127.0.0.1:" + (firstPort + i),
              "127.0.0.1:" + (firstPort + 50 + i),
              "127.0.0.1:" + (firstPort + 100 + i),
              key.getFileName().toString(),
              peers,
              new NodeFile.Mining(true, 1, 1.0, 5))
          .write(dir.resolve("ap" + i + ".json"));
      System.out.println(
          "AP "
              + i
              + ": "
              + generated.get(i).getAddress()
              + " -> "
              + dir.resolve("ap" + i + ".json"));
    }
    return 0;
  }

  private static String[] split(String kv, String option) {
    int eq = kv.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException(option + ": expected ADDRESS=VALUE, got " + kv);
    }
    return new String[] {kv.substring(0, eq), kv.substring(eq + 1)};
  }
}
