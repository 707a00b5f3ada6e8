package io.bdt.consensus.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.consensus.Fixtures;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.evm.StateStore;
import io.bdt.consensus.node.DevNetwork;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.store.ChainStore;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.tuweni.bytes.Bytes;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.crypto.ContractUtils;

/**
 * Load generator for the dev node (not a unit test): signed transfers and contract calls sent over
 * JSON-RPC in batches, throughput until all are mined, eth_call latency under that load, and the
 * time to import (validate and re-execute) the resulting blocks on a fresh chain. Run: {@code java
 * -cp <test classpath> io.bdt.consensus.bench.LoadGenerator [transactions]}.
 */
public final class LoadGenerator {
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final URI uri;

  private LoadGenerator(int port) {
    this.uri = URI.create("http://127.0.0.1:" + port);
  }

  private JsonNode post(String body) throws Exception {
    return json.readTree(
        http.send(
                HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  private long nonce() throws Exception {
    return Long.decode(
        post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getTransactionCount\",\"params\":[\""
                + Fixtures.DEV.account().getAddress()
                + "\",\"latest\"]}")
            .get("result")
            .asText());
  }

  /**
   * Sends {@code txs} in batches of 200 and returns seconds until the sender's nonce reaches end.
   */
  private double run(List<Bytes> txs, long endNonce) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < txs.size(); i += 200) {
      StringBuilder b = new StringBuilder("[");
      for (int k = i; k < Math.min(i + 200, txs.size()); k++) {
        if (k > i) {
          b.append(',');
        }
        b.append("{\"jsonrpc\":\"2.0\",\"id\":")
            .append(k)
            .append(",\"method\":\"eth_sendRawTransaction\",\"params\":[\"")
            .append(txs.get(k).toHexString())
            .append("\"]}");
      }
      JsonNode r = post(b.append(']').toString());
      for (JsonNode one : r) {
        if (one.has("error")) {
          throw new IllegalStateException("rejected: " + one);
        }
      }
    }
    while (nonce() < endNonce) {
      Thread.sleep(5);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    Path dir = Files.createTempDirectory("bdt-load-");
    Node node = new Node(DevNetwork.loopback(Fixtures.DEV, dir, Duration.ofSeconds(5), false));
    LoadGenerator load = new LoadGenerator(node.rpcPort());
    String to = Fixtures.BOB.getAddress();

    // warm-up (not measured): the JIT compiles the admission and execution paths, as on a node
    // that has been running for a while
    int warm = Math.min(n, 2000);
    List<Bytes> warmUp = new ArrayList<>();
    for (int i = 0; i < warm; i++) {
      warmUp.add(
          Fixtures.eip1559(Fixtures.DEV.account(), i, to, BigInteger.ONE, Bytes.EMPTY, 21_000));
    }
    load.run(warmUp, warm);
    int base = warm;

    List<Bytes> transfers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      transfers.add(
          Fixtures.eip1559(
              Fixtures.DEV.account(), base + i, to, BigInteger.ONE, Bytes.EMPTY, 21_000));
    }
    double transferSeconds = load.run(transfers, base + n);

    Bytes deploy =
        Fixtures.eip1559(
            Fixtures.DEV.account(),
            base + n,
            null,
            BigInteger.ZERO,
            Fixtures.counterInitCode(0),
            500_000);
    load.run(List.of(deploy), base + n + 1);
    String counter =
        ContractUtils.generateContractAddress(
            Fixtures.DEV.account().getAddress(), BigInteger.valueOf(base + n));
    Bytes increment =
        Bytes.fromHexString(
            FunctionEncoder.encode(new Function("increment", List.of(), List.of())));
    List<Bytes> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(
          Fixtures.eip1559(
              Fixtures.DEV.account(),
              base + n + 1 + i,
              counter,
              BigInteger.ZERO,
              increment,
              60_000));
    }
    String get = FunctionEncoder.encode(new Function("get", List.of(), List.of()));
    String callBody =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_call\",\"params\":[{\"to\":\""
            + counter
            + "\",\"data\":\""
            + get
            + "\"},\"latest\"]}";
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean loaded = new AtomicBoolean(true);
    Thread caller =
        Thread.ofPlatform()
            .start(
                () -> {
                  LoadGenerator c = new LoadGenerator(node.rpcPort());
                  while (loaded.get()) {
                    try {
                      long t0 = System.nanoTime();
                      c.post(callBody);
                      latencies.add(System.nanoTime() - t0);
                    } catch (Exception e) {
                      return;
                    }
                  }
                });
    double callSeconds = load.run(calls, base + 2L * n + 1);
    loaded.set(false);
    caller.join();
    long height = node.chain().head().number();
    node.close();

    // block import: validate and re-execute every block on a fresh chain
    Path fresh = Files.createTempDirectory("bdt-import-");
    List<Double> importMillis = new ArrayList<>();
    long importedTxs = 0;
    try (ChainStore source = new ChainStore(dir.resolve("blocks"));
        ChainStore store = new ChainStore(fresh.resolve("blocks"));
        StateStore states = new StateStore(fresh.resolve("state"))) {
      Blockchain chain =
          new Blockchain(
              DevNetwork.spec(Fixtures.DEV),
              store,
              states,
              DevNetwork.spec(Fixtures.DEV).reputation(),
              Clock.systemUTC());
      for (long h = 1; h <= height; h++) {
        Block b = source.canonicalHash(h).flatMap(source::block).orElseThrow();
        long t0 = System.nanoTime();
        chain.importBlock(b);
        importMillis.add((System.nanoTime() - t0) / 1e6);
        importedTxs += b.transactions().size();
      }
    }
    Collections.sort(latencies);
    double p50 = latencies.get(latencies.size() / 2) / 1e6;
    double p99 = latencies.get((int) (latencies.size() * 0.99)) / 1e6;
    double importTotal = importMillis.stream().mapToDouble(Double::doubleValue).sum();
    System.out.printf(
        "transactions per phase: %d (after %d warm-up transfers), blocks: %d, load average %.2f%n",
        n,
        warm,
        height,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf(
        "signed transfers: %.0f tx/s (%.2f s)%n", n / transferSeconds, transferSeconds);
    System.out.printf(
        "contract calls (Counter.increment): %.0f tx/s (%.2f s)%n", n / callSeconds, callSeconds);
    System.out.printf(
        "eth_call under contract-call load: p50 %.2f ms, p99 %.2f ms (%d calls)%n",
        p50, p99, latencies.size());
    System.out.printf(
        "block import (validate + re-execute): %.1f ms/block mean, %.0f tx/s over %d blocks%n",
        importTotal / importMillis.size(), importedTxs / (importTotal / 1000), importMillis.size());
    new BenchResult("LoadGenerator")
        .keep("transactionsPerPhase", n)
        .keep("warmUpTransfers", warm)
        .put("blocks", "blocks", height)
        .put("transferTxPerSecond", "signed transfers tx/s", n / transferSeconds)
        .put("callTxPerSecond", "contract calls tx/s", n / callSeconds)
        .put("ethCallP50Millis", "`eth_call` p50 ms under call load", p50)
        .put("ethCallP99Millis", "`eth_call` p99 ms", p99)
        .keep("ethCalls", latencies.size())
        .put("importMillisPerBlock", "import ms/block", importTotal / importMillis.size())
        .put("importTxPerSecond", "import tx/s", importedTxs / (importTotal / 1000))
        .write();
  }
}
