package io.bdt.dnn.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture step that makes Python packages (the {@code onnx} wheel, torch, timm ...) available,
 * installing them with {@code python3 -m pip install} from the machine's configured index when they
 * are missing, and runs the generator scripts in {@code src/test/python}.
 */
final class PythonFixture {

  private PythonFixture() {}

  /**
   * Ensures {@code python3} finds every module of {@code modules}, installing {@code packages} with
   * pip if not; aborts the test (with the reason) when that is impossible here. Only presence is
   * checked, not an import: on a machine whose torchvision wheel cannot load next to the CPU torch,
   * {@code import timm} fails, and the generator scripts work around that themselves.
   */
  static void require(List<String> modules, List<String> packages) throws Exception {
    String imports =
        "import importlib.util, sys; sys.exit(0 if all(importlib.util.find_spec(m) for m in "
            + modules.stream().map(m -> "'" + m + "'").toList()
            + ") else 1)";
    if (run(List.of("python3", "-c", imports), 120).exitCode() == 0) {
      return;
    }
    List<String> pip = new ArrayList<>(List.of("python3", "-m", "pip", "install", "-q"));
    pip.addAll(packages);
    Output install = run(pip, 1800);
    assumeTrue(
        install.exitCode() == 0 && run(List.of("python3", "-c", imports), 120).exitCode() == 0,
        () -> "cannot install " + packages + " with pip: " + install.text());
  }

  /**
   * Runs {@code script} (a file in src/test/python) with {@code args}; fails on a non-zero exit.
   */
  static String script(String script, long timeoutSeconds, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("python3", scripts().resolve(script).toString()));
    command.addAll(List.of(args));
    Output out = run(command, timeoutSeconds);
    if (out.exitCode() != 0) {
      throw new IllegalStateException(script + " exited " + out.exitCode() + ":\n" + out.text());
    }
    return out.text();
  }

  /** The generator scripts' folder, from the dnn module (tests) or the repository root (bench). */
  static Path scripts() {
    Path inModule = Path.of("src/test/python");
    return Files.isDirectory(inModule) ? inModule : Path.of("dnn/src/test/python");
  }

  record Output(int exitCode, String text) {}

  private static Output run(List<String> command, long timeoutSeconds)
      throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Output(127, command.get(0) + " not found: " + e.getMessage());
    }
    StringBuilder text = new StringBuilder();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    text.append(
                        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                  } catch (IOException e) {
                    text.append(e);
                  }
                });
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      reader.join(5000);
      return new Output(124, "timed out after " + timeoutSeconds + " s: " + command);
    }
    reader.join(5000);
    String shown = text.length() > 4000 ? text.substring(text.length() - 4000) : text.toString();
    return new Output(p.exitValue(), shown);
  }
}
