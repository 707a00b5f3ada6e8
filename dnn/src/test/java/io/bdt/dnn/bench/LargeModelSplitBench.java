package io.bdt.dnn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.profile.CutProfiler;
import io.bdt.dnn.split.ModelSplitter;
import io.bdt.dnn.split.SplitModel;
import io.bdt.dnn.zoo.ModelZoo;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Splitting a large model from its file, the whole {@code ./bdt dnn split} path: read the ONNX
 * file, analyse it, split it at its middle cut, write head.onnx and tail.onnx. Each model runs in a
 * child JVM whose heap ({@code -Xmx}) is smaller than twice the model's weights, so a split that
 * held the weights twice would fail there with OutOfMemoryError: the first split in that JVM (cold:
 * class loading, no JIT) and {@code repeats} more are timed, then an untimed run measures the live
 * heap (after a full GC) once the model is read, analysed and split (model, head and tail all
 * reachable), and the process's peak resident set. Run as {@code ./bench --main dnn
 * io.bdt.dnn.bench.LargeModelSplitBench [zoo models, comma-separated [repeats [heap factor]]]}
 * (defaults {@code alexnet 5 1.5}: heap = factor x file size + 64 MB); the result JSON goes to the
 * file named by {@code BDT_BENCH_RESULT} (else standard output).
 */
public final class LargeModelSplitBench {
  private static final ObjectMapper JSON = MainBenchResult.JSON;
  private static final PrintStream PROGRESS = System.err;
  private static final long MB = 1 << 20;

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      child(Path.of(args[1]), Integer.parseInt(args[2]));
      return;
    }
    List<String> models = List.of((args.length > 0 ? args[0] : "alexnet").split(","));
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    double factor = args.length > 2 ? Double.parseDouble(args[2]) : 1.5;
    Path dir = Files.createTempDirectory("bdt-split-bench");
    ArrayNode runs = JSON.createArrayNode();
    ArrayNode rows = JSON.createArrayNode();
    try {
      for (String name : models) {
        Path file = ModelZoo.write(ModelZoo.named(name), dir);
        long bytes = Files.size(file);
        long heapMb = (long) Math.ceil(factor * bytes / MB) + 64;
        PROGRESS.printf("%s: %d MB file, child heap %d MB%n", name, bytes / MB, heapMb);
        JsonNode r = runChild(file, repeats, heapMb);
        ObjectNode run = runs.addObject();
        run.put("model", name);
        run.put("fileBytes", bytes);
        run.put("heapMb", heapMb);
        run.setAll((ObjectNode) r);
        ArrayNode row = rows.addArray();
        row.add(name);
        row.add(bytes / MB);
        row.add(heapMb);
        if (r.has("error")) {
          row.add("failed: " + r.get("error").asText());
          for (int i = 0; i < 4; i++) {
            row.add("-");
          }
        } else {
          row.add(r.get("coldSeconds").asDouble());
          double[] warm = JSON.treeToValue(r.get("warmSeconds"), double[].class);
          row.add(warm.length == 0 ? Double.NaN : CutProfiler.median(warm));
          row.add(r.get("liveHeapBytes").asLong() / MB);
          row.add(r.get("peakRssBytes").asLong() / MB);
        }
        Files.deleteIfExists(file);
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    ObjectNode result = JSON.createObjectNode();
    result.put("benchmark", "LargeModelSplitBench");
    result.put("repeats", repeats);
    result.put("heapFactor", factor);
    result.set("runs", runs);
    MainBenchResult.write(
        result,
        List.of(
            "model",
            "file MB",
            "child -Xmx MB",
            "first split s (cold JVM)",
            "split s (warm, median of " + repeats + ")",
            "live heap after split MB",
            "peak RSS MB"),
        rows);
  }

  /** Runs the splits in a child JVM with {@code heapMb} of heap; its JSON, or one with "error". */
  private static JsonNode runChild(Path file, int repeats, long heapMb)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx" + heapMb + "m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                LargeModelSplitBench.class.getName(),
                "--child",
                file.toString(),
                Integer.toString(repeats)));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    int exit = p.waitFor();
    String last = out.lines().reduce((a, b) -> b).orElse("");
    if (exit != 0 || !last.startsWith("{")) {
      ObjectNode error = JSON.createObjectNode();
      error.put("error", "child exited " + exit + (last.isEmpty() ? "" : ": " + last));
      return error;
    }
    return JSON.readTree(last);
  }

  /** The child: timed splits, then the live heap of one more; prints one JSON line. */
  private static void child(Path file, int repeats) throws Exception {
    Path out = Files.createTempDirectory(file.getParent(), "split");
    ObjectNode r = JSON.createObjectNode();
    try {
      r.put("coldSeconds", timedSplit(file, out));
      ArrayNode warm = r.putArray("warmSeconds");
      for (int i = 0; i < repeats; i++) {
        warm.add(timedSplit(file, out));
      }
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      ModelProto model = OnnxModels.read(file);
      GraphAnalysis a = GraphAnalyzer.analyze(model, Map.of());
      SplitModel split = ModelSplitter.split(a, a.cuts().size() / 2);
      System.gc();
      long live = memory.getHeapMemoryUsage().getUsed();
      split.write(out);
      r.put("liveHeapBytes", live);
      r.put("headBytes", Files.size(out.resolve("head.onnx")));
      r.put("tailBytes", Files.size(out.resolve("tail.onnx")));
      r.put("peakRssBytes", peakRss());
    } finally {
      try (var files = Files.walk(out)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.println(JSON.writeValueAsString(r));
  }

  private static double timedSplit(Path file, Path out) throws IOException {
    long t0 = System.nanoTime();
    GraphAnalysis a = GraphAnalyzer.analyze(OnnxModels.read(file), Map.of());
    ModelSplitter.split(a, a.cuts().size() / 2).write(out);
    double seconds = (System.nanoTime() - t0) / 1e9;
    PROGRESS.printf(Locale.ROOT, "  split in %.2f s%n", seconds);
    return seconds;
  }

  /** The process's peak resident set (VmHWM in /proc/self/status), in bytes; -1 if unknown. */
  private static long peakRss() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return -1;
  }
}
