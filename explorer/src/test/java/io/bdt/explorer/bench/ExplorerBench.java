package io.bdt.explorer.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.consensus.node.DevNetwork;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.explorer.abi.BdtContracts;
import io.bdt.explorer.index.IndexDatabase;
import io.bdt.explorer.index.IndexStore;
import io.bdt.explorer.index.Indexer;
import io.bdt.explorer.node.NodeRpc;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * The explorer's benchmark: a dev chain with {@code txs} payments (sent in JSON-RPC batches, mined
 * by the node), indexed from genesis into a fresh embedded database (catch-up: blocks/s and tx/s),
 * then the explorer service (its built jar, as {@code ./bdt platform} runs it) on that index
 * answering its JSON API to {@code clients} concurrent clients (latency p50/p99 per endpoint).
 * Writes the raw results as JSON to {@code out}. Arguments: txs clients requestsPerEndpoint out.
 */
public final class ExplorerBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    int txs = Integer.parseInt(args[0]);
    int clients = Integer.parseInt(args[1]);
    int requests = Integer.parseInt(args[2]);
    Path out = Path.of(args[3]);
    Path dir = Files.createTempDirectory("bdt-explorer-bench-");
    ObjectNode result = JSON.createObjectNode();
    result.put("date", Instant.now().toString());
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.put(
        "loadAverageBefore",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    result.put("transactions", txs);
    try (Node node =
        new Node(
            Node.Config.of(DevNetwork.spec(), dir.resolve("chain"))
                .withRpc(new InetSocketAddress("127.0.0.1", 0))
                .withMiner(DevNetwork.MINER.getEcKeyPair(), MiningShare.full(1))
                .withAutoMine(true, Duration.ofMillis(200)))) {
      String rpc = "http://127.0.0.1:" + node.rpcPort();
      NodeRpc client = new NodeRpc(URI.create(rpc), Duration.ofSeconds(60));
      long fillStart = System.nanoTime();
      int batch = 500;
      for (int from = 0; from < txs; from += batch) {
        List<NodeRpc.Call> calls = new ArrayList<>();
        for (int n = from; n < Math.min(txs, from + batch); n++) {
          RawTransaction pay =
              RawTransaction.createEtherTransaction(
                  DevNetwork.CHAIN_ID,
                  BigInteger.valueOf(n),
                  BigInteger.valueOf(21_000),
                  DevNetwork.MINER.getAddress(),
                  BigInteger.ONE,
                  BigInteger.ONE,
                  BigInteger.valueOf(10_000_000_000L));
          calls.add(
              new NodeRpc.Call(
                  "eth_sendRawTransaction",
                  Numeric.toHexString(TransactionEncoder.signMessage(pay, DevNetwork.ACCOUNT))));
        }
        client.batch(calls);
        // keep the pool small: wait until most of this batch is mined
        while (NodeRpc.quantity(
                    client.call(
                        "eth_getTransactionCount", DevNetwork.ACCOUNT.getAddress(), "latest"))
                .longValueExact()
            < from) {
          Thread.sleep(100);
        }
      }
      while (NodeRpc.quantity(
                  client.call("eth_getTransactionCount", DevNetwork.ACCOUNT.getAddress(), "latest"))
              .longValueExact()
          < txs) {
        Thread.sleep(200);
      }
      result.put("chainFillSeconds", (System.nanoTime() - fillStart) / 1e9);
      long head = client.blockNumber();
      result.put("blocks", head + 1);

      Path index = dir.resolve("index");
      long start = System.nanoTime();
      try (IndexDatabase db =
          new IndexDatabase("jdbc:h2:file:" + index, Optional.empty(), Optional.empty(), 4)) {
        Indexer indexer =
            new Indexer(client, new IndexStore(db.dataSource(), BdtContracts.load()), 20, r -> {});
        while (indexer.catchUp() > 0 || indexer.nodeHead() < head) {
          // blocks mined meanwhile are indexed too; stop at the measured head
          if (indexer.nodeHead() >= head) {
            break;
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      result.put("catchUpSeconds", seconds);
      result.put("blocksPerSecond", (head + 1) / seconds);
      result.put("txPerSecond", txs / seconds);

      // the service on that index
      Path jar = Path.of("").toAbsolutePath().resolve("target/quarkus-app/quarkus-run.jar");
      int port;
      try (var s = new java.net.ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Process service =
          new ProcessBuilder(
                  ProcessHandle.current().info().command().orElse("java"),
                  "-Xmx512m",
                  "-Dquarkus.http.port=" + port,
                  "-Dbdt.explorer.node-url=" + rpc,
                  "-Dbdt.explorer.db.url=jdbc:h2:file:" + index,
                  "-jar",
                  jar.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("explorer.log").toFile())
              .start();
      try {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        awaitUp(http, base + "/q/health/ready");
        String someTx =
            new ObjectMapper()
                .readTree(get(http, base + "/api/block/" + (head / 2)))
                .path("transactions")
                .path(0)
                .path("hash")
                .asText();
        ObjectNode latency = result.putObject("latencyMillis");
        for (String path :
            List.of(
                "/api/home",
                "/api/block/" + (head / 2),
                "/api/tx/" + someTx,
                "/api/address/" + DevNetwork.MINER.getAddress().toLowerCase(),
                "/api/reputation",
                "/block/" + (head / 2))) {
          double[] ms = load(http, base + path, clients, requests);
          ObjectNode p = latency.putObject(path.replace(someTx, "{hash}"));
          Arrays.sort(ms);
          p.put("p50", ms[ms.length / 2]);
          p.put("p99", ms[(int) Math.min(ms.length - 1, Math.ceil(ms.length * 0.99) - 1)]);
          p.put("requests", ms.length);
        }
        result.put("clients", clients);
      } finally {
        service.destroy();
        service.waitFor();
      }
    }
    result.put(
        "loadAverageAfter",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    Files.createDirectories(out.toAbsolutePath().getParent());
    JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), result);
    System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
  }

  private static double[] load(HttpClient http, String url, int clients, int requests)
      throws Exception {
    for (int i = 0; i < 20; i++) {
      get(http, url); // warm-up
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<Double>> times = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      times.add(
          pool.submit(
              () -> {
                long t = System.nanoTime();
                get(http, url);
                return (System.nanoTime() - t) / 1e6;
              }));
    }
    double[] ms = new double[requests];
    for (int i = 0; i < requests; i++) {
      ms[i] = times.get(i).get();
    }
    pool.shutdown();
    return ms;
  }

  private static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode());
    }
    return r.body();
  }

  private static void awaitUp(HttpClient http, String url) throws Exception {
    long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < end) {
      try {
        get(http, url);
        return;
      } catch (java.io.IOException | IllegalStateException e) {
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("explorer not up: " + url);
  }
}
