package io.bdt.explorer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.explorer.ExplorerConfig;
import io.bdt.explorer.abi.BdtContracts;
import io.bdt.explorer.index.IndexDatabase;
import io.bdt.explorer.index.IndexStore;
import io.bdt.explorer.index.Indexer;
import io.bdt.explorer.node.NodeRpc;
import io.smallrye.config.WithDefault;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The explorer's benchmark (run by {@code ./bench --main explorer
 * io.bdt.explorer.bench.ExplorerBench [txs senders clients seconds]}, which keeps its result with
 * the commit, JDK, cores and load): a dev chain with {@code txs} payments from {@code senders}
 * accounts ({@link ChainFill}); the indexer's catch-up from genesis into a fresh embedded database
 * (blocks/s, tx/s); then the explorer service (its built jar, as {@code ./bdt platform} runs it) on
 * that index under {@code clients} concurrent clients requesting the main pages and the JSON API
 * for {@code seconds} ({@link PageLoad}: p50/p90/p99 per path). Progress goes to standard error;
 * the result JSON to the file named by {@code BDT_BENCH_RESULT} (else standard output).
 */
public final class ExplorerBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrintStream PROGRESS = System.err;

  /**
   * Runs the benchmark and exits: 0 when it completed, 1 on a failure (whose stack trace is
   * printed); the node's and the clients' threads would otherwise keep a failed run's JVM alive.
   */
  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run(String[] args) throws Exception {
    int txs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int senders = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
    int batchBlocks = defaultBatchBlocks();
    Path dir = Files.createTempDirectory("bdt-explorer-bench-");
    ObjectNode result = JSON.createObjectNode();
    result.put("benchmark", "ExplorerBench");
    result.put("transactions", txs);
    result.put("senders", senders);
    result.put("batchBlocks", batchBlocks);
    ChainFill fill = new ChainFill(senders, PROGRESS);
    // no empty blocks: the chain holds only the payments' blocks, and stays still while indexed
    try (Node node =
        new Node(
            NodeConfig.of(fill.spec(), dir.resolve("chain"))
                .withRpc(new InetSocketAddress("127.0.0.1", 0))
                .withMiner(ChainFill.DEV.miner().getEcKeyPair(), MiningShare.full(1))
                .withAutoMine(true, Duration.ofDays(1)))) {
      String rpc = "http://127.0.0.1:" + node.rpcPort();
      NodeRpc client = new NodeRpc(URI.create(rpc), Duration.ofSeconds(120));
      long fillStart = System.nanoTime();
      fill.fill(client, txs);
      double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
      result.put("chainFillSeconds", fillSeconds);
      long head = client.blockNumber();
      result.put("blocks", head + 1);

      Path index = dir.resolve("index");
      double catchUp = catchUp(client, index, batchBlocks, head, txs);
      result.put("catchUpSeconds", catchUp);
      result.put("blocksPerSecond", (head + 1) / catchUp);
      result.put("txPerSecond", txs / catchUp);

      List<PageLoad.Latency> latencies =
          serve(rpc, index, dir, head, fill.addresses().get(0), clients, seconds);
      result.put("clients", clients);
      result.put("loadSeconds", seconds);
      result.set("latency", JSON.valueToTree(latencies));
      result.set("tables", tables(result, latencies));
    }
    String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result);
    String to = System.getenv("BDT_BENCH_RESULT");
    if (to != null) {
      Files.writeString(Path.of(to), json);
    } else {
      System.out.println(json);
    }
  }

  /** The service's default {@code bdt.explorer.batch-blocks} (one source: its annotation). */
  static int defaultBatchBlocks() throws NoSuchMethodException {
    return Integer.parseInt(
        ExplorerConfig.class.getMethod("batchBlocks").getAnnotation(WithDefault.class).value());
  }

  /** Indexes blocks 0..head from genesis into a fresh H2 file; the seconds it took. */
  private static double catchUp(NodeRpc node, Path index, int batch, long head, int txs)
      throws Exception {
    long start = System.nanoTime();
    long last = start;
    try (IndexDatabase db =
        new IndexDatabase("jdbc:h2:file:" + index, Optional.empty(), Optional.empty(), 4)) {
      IndexStore store = new IndexStore(db.dataSource(), BdtContracts.load());
      Indexer indexer = new Indexer(node, store, batch, r -> {});
      long stored = 0;
      int failures = 0;
      while (stored <= head) {
        int n;
        try {
          n = indexer.step();
        } catch (java.io.IOException e) {
          // as the service does: a failed step (node busy, timeout) is retried, and counted
          if (++failures > 20) {
            throw e;
          }
          PROGRESS.printf("index: step failed (%s), retrying%n", e.getMessage());
          continue;
        }
        if (n == 0) {
          throw new IllegalStateException("indexer stopped at block " + stored + " of " + head);
        }
        stored += n;
        if (System.nanoTime() - last > 5_000_000_000L) {
          last = System.nanoTime();
          double s = (last - start) / 1e9;
          PROGRESS.printf(
              "index: %,d of %,d blocks after %.0f s (%.1f blocks/s)%n",
              stored, head + 1, s, stored / s);
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    PROGRESS.printf(
        "index: %,d blocks, %,d tx in %.1f s: %.1f blocks/s, %.0f tx/s%n",
        head + 1, txs, seconds, (head + 1) / seconds, txs / seconds);
    return seconds;
  }

  /** Starts the explorer's jar on the index and loads it; the latency per path. */
  private static List<PageLoad.Latency> serve(
      String rpc, Path index, Path dir, long head, String sender, int clients, int seconds)
      throws Exception {
    Path jar = Path.of("").toAbsolutePath().resolve("explorer/target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      jar = Path.of("").toAbsolutePath().resolve("target/quarkus-app/quarkus-run.jar");
    }
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          "explorer jar not built: ./mvnw -pl explorer -am package -DskipTests");
    }
    int port;
    try (var s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process service =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m",
                "-Dquarkus.http.port=" + port,
                // loopback only, and TLS is not what this measures: plain HTTP, asked for
                // explicitly (the service refuses to start without a certificate otherwise)
                "-Dquarkus.http.insecure-requests=enabled",
                "-Dbdt.explorer.node-url=" + rpc,
                "-Dbdt.explorer.db.url=jdbc:h2:file:" + index,
                "-jar",
                jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("explorer.log").toFile())
            .start();
    try {
      PageLoad load = new PageLoad("http://127.0.0.1:" + port, PROGRESS);
      load.awaitUp("/q/health/ready", Duration.ofMinutes(3));
      // the middle block, or the first one after it that carries payments (a small chain's
      // middle block can be empty)
      long middle = head / 2;
      String first = "";
      for (; middle <= head && first.isEmpty(); middle++) {
        JsonNode block = JSON.readTree(load.get("/api/block/" + middle));
        first = block.path("transactions").path(0).path("hash").asText();
      }
      middle--;
      if (first.isEmpty()) {
        throw new IllegalStateException("no block from " + head / 2 + " to " + head + " has a tx");
      }
      String tx = first;
      String s = sender.toLowerCase();
      List<String> paths =
          List.of(
              "/",
              "/block/" + middle,
              "/tx/" + tx,
              "/address/" + s,
              "/api/home",
              "/api/block/" + middle,
              "/api/tx/" + tx,
              "/api/address/" + s,
              "/api/address/" + s + "?format=csv",
              "/api/blocks",
              "/api/devices",
              "/api/reputation",
              "/api/anchors",
              "/api/search?q=" + tx,
              "/api/search?q=" + middle);
      List<PageLoad.Latency> out =
          load.run(paths, clients, Duration.ofSeconds(10), Duration.ofSeconds(seconds));
      out.forEach(l -> PROGRESS.println("load: " + PageLoad.percentiles(l)));
      return out.stream()
          .map(
              l ->
                  new PageLoad.Latency(
                      l.path().replace(tx, "{tx}").replace(s, "{sender}"),
                      l.requests(),
                      l.p50(),
                      l.p90(),
                      l.p99(),
                      l.max()))
          .toList();
    } finally {
      service.destroy();
      service.waitFor();
    }
  }

  /** The tables docs/benchmarks.md shows (rendered by {@code ./bdt bench-tables}). */
  private static ArrayNode tables(ObjectNode r, List<PageLoad.Latency> latencies) {
    ArrayNode tables = JSON.createArrayNode();
    ObjectNode catchUp = tables.addObject();
    catchUp
        .putArray("columns")
        .add("chain")
        .add("blocks")
        .add("catch-up s")
        .add("blocks/s")
        .add("tx/s");
    catchUp
        .putArray("rows")
        .addArray()
        .add(
            String.format(
                "%,d payments from %d senders",
                r.path("transactions").asInt(), r.path("senders").asInt()))
        .add(r.path("blocks").asLong())
        .add(r.path("catchUpSeconds").asDouble())
        .add(r.path("blocksPerSecond").asDouble())
        .add(r.path("txPerSecond").asDouble());
    ObjectNode pages = tables.addObject();
    pages
        .putArray("columns")
        .add("path (" + r.path("clients").asInt() + " concurrent clients)")
        .add("requests")
        .add("p50 ms")
        .add("p90 ms")
        .add("p99 ms")
        .add("max ms");
    ArrayNode rows = pages.putArray("rows");
    for (PageLoad.Latency l : latencies) {
      rows.addArray()
          .add("`" + l.path() + "`")
          .add(l.requests())
          .add(l.p50())
          .add(l.p90())
          .add(l.p99())
          .add(l.max());
    }
    return tables;
  }
}
