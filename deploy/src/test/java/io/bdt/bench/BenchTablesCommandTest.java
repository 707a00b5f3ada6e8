package io.bdt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(60)
class BenchTablesCommandTest {
  @TempDir Path root;

  static final String RAW =
      """
      {"kind": "jmh", "module": "dnn", "date": "2026-12-02T14:00:00Z", "commit": "0123456789abcdef",
       "dirty": false, "jdk": "25.0.3+9-LTS", "cores": 2,
       "loadAverageBefore": [0.5, 0.7, 0.9], "loadAverageAfter": [1.5, 1.0, 0.95],
       "command": "./bench dnn FrameCodecBenchmark -f 1",
       "results": [
        {"benchmark": "io.bdt.dnn.bench.FrameCodecBenchmark.encode", "mode": "thrpt",
         "params": {"elements": "65536"},
         "primaryMetric": {"score": 7212.3456, "scoreError": 101.2, "scoreUnit": "MB/s"}},
        {"benchmark": "io.bdt.dnn.bench.FrameCodecBenchmark.decode", "mode": "avgt",
         "primaryMetric": {"score": 0.0312, "scoreError": "NaN", "scoreUnit": "ms/op"}}
       ]}
      """;

  static final String DOC =
      """
      # Benchmarks

      ## dnn: tensor codec

      <!-- bench: bench-results/dnn/a.json -->
      (old hand-typed table)
      <!-- /bench -->

      Reading it: ...
      """;

  void write() throws Exception {
    Files.createDirectories(root.resolve("bench-results/dnn"));
    Files.writeString(root.resolve("bench-results/dnn/a.json"), RAW);
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/benchmarks.md"), DOC);
  }

  int run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--root";
    all[1] = root.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return new CommandLine(new BenchTablesCommand()).execute(all);
  }

  @Test
  void tableIsRegeneratedFromItsRawFileAndPointsAtIt() throws Exception {
    write();
    assertThat(run()).isZero();
    String doc = Files.readString(root.resolve("docs/benchmarks.md"));
    assertThat(doc)
        .doesNotContain("old hand-typed table")
        .contains("| `FrameCodecBenchmark.encode` | elements=65536 | thrpt | 7,210 | 101 | MB/s |")
        .contains("| `FrameCodecBenchmark.decode` | - | avgt | 0.0312 | - | ms/op |")
        .contains("Raw: [`bench-results/dnn/a.json`](../bench-results/dnn/a.json)")
        .contains("commit 0123456789, JDK 25.0.3+9-LTS, 2 cores, load average 0.5/0.7/0.9 before")
        .contains("Reading it: ...");
  }

  @Test
  void checkFailsOnAStaleTableAndPassesOnceRegenerated() throws Exception {
    write();
    assertThat(run("--check")).isEqualTo(1);
    assertThat(Files.readString(root.resolve("docs/benchmarks.md"))).isEqualTo(DOC);
    assertThat(run()).isZero();
    assertThat(run("--check")).isZero();
  }

  @Test
  void aTableNamingAMissingRawFileIsAnError() {
    assertThatThrownBy(
            () ->
                BenchTablesCommand.regenerate(
                    "<!-- bench: bench-results/x/gone.json -->\n|a|\n<!-- /bench -->", root))
        .hasMessageContaining("bench-results/x/gone.json")
        .hasMessageContaining("missing");
  }

  @Test
  void aRawFileThatIsNoBenchmarkResultIsRefused() throws Exception {
    Files.writeString(root.resolve("other.json"), "{\"kind\": \"csv\", \"results\": []}");
    assertThatThrownBy(
            () ->
                BenchTablesCommand.regenerate("<!-- bench: other.json -->\n<!-- /bench -->", root))
        .hasMessageContaining("not a result kept by ./bench");
  }

  @Test
  void aMainBenchmarksTablesAreRenderedCellByCell() throws Exception {
    Files.writeString(
        root.resolve("main.json"),
        """
        {"kind": "main", "module": "explorer", "date": "2026-12-02T17:00:00Z", "commit": "abc",
         "dirty": true, "jdk": "25", "cores": 2,
         "loadAverageBefore": [9.0, 8.0, 7.0], "loadAverageAfter": [10.0, 8.5, 7.1],
         "command": "./bench --main explorer io.bdt.explorer.bench.ExplorerBench 100000",
         "results": {"tables": [
           {"columns": ["chain", "blocks", "tx/s"], "rows": [["100k payments", 900, 412.345]]},
           {"columns": ["path", "p50 ms"], "rows": [["`/api/home`", 3.14159]]}]}}
        """);
    String doc =
        BenchTablesCommand.regenerate("<!-- bench: main.json -->\nold\n<!-- /bench -->", root);
    assertThat(doc)
        .contains("| chain | blocks | tx/s |\n|---|---|---|\n| 100k payments | 900 | 412 |\n")
        .contains("\n| path | p50 ms |\n|---|---|\n| `/api/home` | 3.14 |\n")
        .contains("`./bench --main explorer io.bdt.explorer.bench.ExplorerBench 100000`")
        .contains("plus uncommitted changes")
        .contains("load average 9.0/8.0/7.0 before, 10.0/8.5/7.1 after");
  }

  @Test
  void aMainResultWhoseRowDoesNotFitItsColumnsIsRefused() throws Exception {
    Files.writeString(
        root.resolve("bad.json"),
        "{\"kind\": \"main\", \"results\": {\"tables\": [{\"columns\": [\"a\", \"b\"],"
            + " \"rows\": [[1]]}]}}");
    assertThatThrownBy(
            () -> BenchTablesCommand.regenerate("<!-- bench: bad.json -->\n<!-- /bench -->", root))
        .hasMessageContaining("bad.json: a row has 1 cells for 2 columns");
  }

  static final String INGEST =
      """
      {"kind": "ingest", "module": "gateway-twin", "date": "2026-12-02T18:00:00Z",
       "commit": "fedcba9876543210", "dirty": false, "jdk": "25.0.3+9-LTS", "cores": 2,
       "loadAverageBefore": [3.0, 2.0, 1.0], "loadAverageAfter": [4.0, 2.5, 1.2],
       "command": "./bdt bench-ingest --brokers mosquitto",
       "placement": {"publisherCpus": "1", "gatewayCpus": "0", "note": "publisher JVM on CPU 1"},
       "settings": {"devices": 16, "publisherThreads": 2, "payloadBytes": 45,
                    "warmupSeconds": 3.0, "measureSeconds": 5.0},
       "results": [
        {"broker": "mosquitto", "tls": true, "qos": 1, "run": 2,
         "gateway": {"msgPerSecond": 15000.0, "consumerCpuNanosPerMessage": 21500.0,
                     "brokerCpuNanosPerMessage": 9000.0, "publishedPerSecond": 15100.0,
                     "loadAverage": [3.5, 2.1, 1.1]},
         "subscriber": {"msgPerSecond": 30000.0, "consumerCpuNanosPerMessage": 8000.0,
                        "loadAverage": [3.7, 2.2, 1.1]}}
       ]}
      """;

  @Test
  void ingestResultBecomesARowWithTheRatioToTheBrokerAndCpuPerMessage() throws Exception {
    Files.createDirectories(root.resolve("bench-results/gateway-twin"));
    Files.writeString(root.resolve("bench-results/gateway-twin/i.json"), INGEST);
    String doc =
        BenchTablesCommand.regenerate(
            "<!-- bench: bench-results/gateway-twin/i.json -->\n<!-- /bench -->", root);
    assertThat(doc)
        .contains(
            "| mosquitto | TLS | 1 | 2 | 30,000 | **15,000** | **0.50** | **21.50** | 8.00 | 9.00 |"
                + " 15,100 | 3.5 / 3.7 |")
        .contains("16 devices, 2 publisher threads, 45-byte JSON messages")
        .contains("Placement: publisher JVM on CPU 1.")
        .contains("Raw: [`bench-results/gateway-twin/i.json`]")
        .contains("`./bdt bench-ingest --brokers mosquitto`; commit fedcba9876");
  }
}
