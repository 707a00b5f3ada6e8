package io.bdt.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The facts a raw result file carries besides its figures, with the same field names as the JMH
 * files {@code ./bench} writes: commit (and whether the tree had uncommitted changes), JDK, cores,
 * and the load average (1/5/15 min) read from {@code /proc/loadavg}.
 */
final class RunRecord {
  private RunRecord() {}

  /** commit, dirty, jdk and cores of a run started in repository {@code root}. */
  static Map<String, Object> environment(Path root, int cores) {
    Map<String, Object> m = new LinkedHashMap<>();
    String commit = git(root, "rev-parse", "HEAD").strip();
    m.put("commit", commit.isEmpty() ? "unknown" : commit);
    m.put("dirty", !git(root, "status", "--porcelain", "--untracked-files=no").isBlank());
    m.put("jdk", System.getProperty("java.runtime.version"));
    m.put("cores", cores);
    return m;
  }

  /** The 1, 5 and 15 minute load averages, empty where /proc/loadavg is not readable. */
  static List<Double> loadAverage() {
    List<Double> load = new ArrayList<>();
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ");
      for (int i = 0; i < 3; i++) {
        load.add(Double.parseDouble(f[i]));
      }
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    return load;
  }

  private static String git(Path root, String... args) {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", root.toString()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
