package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes that die the ways a service does; their reason reaches the console. */
@Timeout(120)
class ServiceProcessTest {
  @TempDir Path tmp;

  /** A service whose port is taken: logs like Quarkus, with a stack trace, and exits 1. */
  public static final class PortTaken {
    public static void main(String[] args) {
      System.out.println("INFO  [io.quarkus] starting");
      System.out.println(
          "ERROR [io.qua.run.Application] Port 8080 seems to be in use by another process.");
      System.out.println("java.net.BindException: Address already in use");
      System.out.println("\tat java.base/sun.nio.ch.Net.bind(Net.java:565)");
      System.exit(1);
    }
  }

  /** A service that runs a while, then fails. */
  public static final class DiesLater {
    public static void main(String[] args) throws InterruptedException {
      System.out.println("INFO  up");
      Thread.sleep(1500);
      System.out.println("ERROR [io.bdt] chain store corrupt: checksum mismatch in block 12");
      System.exit(3);
    }
  }

  /** A service that runs until stopped. */
  public static final class RunsUntilStopped {
    public static void main(String[] args) throws InterruptedException {
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /** A jar whose main class is {@code main}, loading from this module's test classes. */
  Path jarFor(Class<?> main) throws Exception {
    Path classes =
        Path.of(
            ServiceProcessTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path jar = tmp.resolve(main.getSimpleName() + ".jar");
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getName());
    m.getMainAttributes()
        .put(
            Attributes.Name.CLASS_PATH,
            tmp.relativize(classes).toString().replace('\\', '/') + "/");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out, m)) {
      // manifest only
    }
    return jar;
  }

  ServiceProcess service(Class<?> main) throws Exception {
    return new ServiceProcess(
        "gw1",
        jarFor(main),
        Map.of("bdt.x", "1"),
        tmp.resolve("logs/gw1.log"),
        1,
        java.util.Optional.empty());
  }

  @Test
  void serviceDyingAtStartFailsWithItsErrorLinesNotOnlyTheLogPath() throws Exception {
    ServiceProcess gw = service(PortTaken.class);
    gw.start();
    assertThatThrownBy(() -> gw.awaitReady("/q/health/ready", Duration.ofSeconds(60)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("gw1 exited with 1")
        .hasMessageContaining("Port 8080 seems to be in use by another process")
        .hasMessageContaining("Address already in use")
        .hasMessageNotContaining("Net.bind")
        .hasMessageContaining(tmp.resolve("logs/gw1.log").toString());
  }

  @Test
  void serviceDyingWhileRunningIsReportedWithItsReason() throws Exception {
    ServiceProcess gw = service(DiesLater.class);
    CompletableFuture<String> reason = new CompletableFuture<>();
    gw.onDeath(reason::complete);
    gw.start();
    assertThat(reason.get(60, TimeUnit.SECONDS))
        .contains("gw1 exited with 3")
        .contains("chain store corrupt: checksum mismatch in block 12");
  }

  @Test
  void stoppingAServiceIsNotReportedAsADeath() throws Exception {
    ServiceProcess gw = service(RunsUntilStopped.class);
    CompletableFuture<String> reason = new CompletableFuture<>();
    gw.onDeath(reason::complete);
    gw.start();
    assertThat(gw.alive()).isTrue();
    gw.close();
    assertThat(gw.alive()).isFalse();
    Thread.sleep(500); // onExit callbacks run asynchronously; give one the chance to (wrongly) run
    assertThat(reason).isNotDone();
  }

  @Test
  void reasonFallsBackToTheLogsLastLinesWhenNoneLooksLikeAnError() throws Exception {
    Path log = tmp.resolve("quiet.log");
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 20; i++) {
      text.append("line ").append(i).append('\n');
    }
    Files.writeString(log, text);
    assertThat(ServiceProcess.lastErrorLines(log, 3))
        .containsExactly("line 18", "line 19", "line 20");
  }
}
