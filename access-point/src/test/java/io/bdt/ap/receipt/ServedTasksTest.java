package io.bdt.ap.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedTasksTest {
  static final String GW = "0x0ae459fd76169c247f6721c13a20c8e687d6916d";

  @TempDir Path dir;

  static String task(int n) {
    return String.format("0x%064x", n);
  }

  @Test
  void tasksServedBeforeARestartAreRememberedAfterIt() throws Exception {
    Path file = dir.resolve("served-tasks.log");
    try (ServedTasks before = ServedTasks.open(file, 10)) {
      before.add(task(1), GW, BigInteger.valueOf(1234));
      before.add(task(2), GW, BigInteger.valueOf(99));
    }
    try (ServedTasks after = ServedTasks.open(file, 10)) {
      assertThat(after.get(task(1))).contains(new ServedTasks.Served(GW, BigInteger.valueOf(1234)));
      assertThat(after.get(task(2)).orElseThrow().flops()).isEqualTo(BigInteger.valueOf(99));
      assertThat(after.get(task(3))).isEmpty();
    }
  }

  @Test
  void theFirstRecordOfATaskWins() throws Exception {
    Path file = dir.resolve("served-tasks.log");
    try (ServedTasks tasks = ServedTasks.open(file, 10)) {
      tasks.add(task(1), GW, BigInteger.ONE);
      tasks.add(task(1), GW, BigInteger.TEN);
    }
    try (ServedTasks after = ServedTasks.open(file, 10)) {
      assertThat(after.get(task(1)).orElseThrow().flops()).isEqualTo(BigInteger.ONE);
    }
    assertThat(Files.readAllLines(file)).hasSize(1);
  }

  @Test
  void keepsTheNewestTasksUpToItsCapacityAndCompactsTheFile() throws Exception {
    Path file = dir.resolve("served-tasks.log");
    try (ServedTasks tasks = ServedTasks.open(file, 5)) {
      for (int n = 1; n <= 12; n++) {
        tasks.add(task(n), GW, BigInteger.valueOf(n));
      }
      assertThat(tasks.size()).isEqualTo(5);
      assertThat(tasks.get(task(7))).isEmpty();
      assertThat(tasks.get(task(8))).isPresent();
    }
    // compacted at 10 lines to the 5 kept, then 2 more appended
    assertThat(Files.readAllLines(file)).hasSizeLessThan(10);
    try (ServedTasks after = ServedTasks.open(file, 5)) {
      assertThat(after.size()).isEqualTo(5);
      assertThat(after.get(task(12))).isPresent();
      assertThat(after.get(task(7))).isEmpty();
    }
  }

  @Test
  void aLineCutShortByACrashIsSkippedAndTheRestLoads() throws Exception {
    Path file = dir.resolve("served-tasks.log");
    try (ServedTasks tasks = ServedTasks.open(file, 10)) {
      tasks.add(task(1), GW, BigInteger.TEN);
    }
    Files.writeString(
        file,
        task(2) + " " + GW.substring(0, 9),
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    try (ServedTasks after = ServedTasks.open(file, 10)) {
      assertThat(after.get(task(1))).isPresent();
      assertThat(after.get(task(2))).isEmpty();
      after.add(task(3), GW, BigInteger.TWO);
    }
    try (ServedTasks again = ServedTasks.open(file, 10)) {
      assertThat(again.get(task(3))).isPresent();
    }
  }
}
