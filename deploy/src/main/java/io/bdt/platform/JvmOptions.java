package io.bdt.platform;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options B-DT's processes run with (the {@code ./bdt} launcher, the services it starts,
 * the tests), so that the JDK they run on is quiet about what the project knowingly uses and about
 * nothing else. The launcher script's {@code scripts/jvm-options.sh} prints the same list.
 */
public final class JvmOptions {
  private JvmOptions() {}

  /**
   * The options for a JDK of {@code feature} version (21, 25, ...): native access for ONNX Runtime,
   * RocksDB and libevm; {@code sun.misc.Unsafe} memory access for protobuf, Guava and Netty on a
   * JDK that knows the option (23+; it warns from 24).
   */
  static List<String> quiet(int feature) {
    List<String> options = new ArrayList<>();
    options.add("--enable-native-access=ALL-UNNAMED");
    if (feature >= 23) {
      options.add("--sun-misc-unsafe-memory-access=allow");
    }
    return List.copyOf(options);
  }

  /** The options for the JDK this process runs on (child processes use the same java binary). */
  public static List<String> forThisJdk() {
    return quiet(Runtime.version().feature());
  }
}
