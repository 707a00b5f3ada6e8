package io.bdt.platform;

import io.bdt.gateway.access.DenialsPlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where this machine keeps Mosquitto's dynamic security plugin (Debian, the Mosquitto image), and
 * B-DT's plugin that reports denied checks ({@link DenialsPlugin}, built here).
 */
public final class MosquittoPlugin {

  /** Where Debian and the Mosquitto image keep the plugin. */
  static final List<String> DIRS =
      List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib");

  private static final String FILE = "mosquitto_dynamic_security.so";

  private MosquittoPlugin() {}

  /** The plugin's path; fails naming where it looked. */
  public static Path dynamicSecurity() throws IOException {
    return DIRS.stream()
        .map(d -> Path.of(d, FILE))
        .filter(Files::exists)
        .findFirst()
        .orElseThrow(
            () -> new IOException(FILE + " not found in " + DIRS + ": apt-get install mosquitto"));
  }

  /**
   * What a {@code plugin} line of the Kubernetes config ({@code deploy/k8s/base/mosquitto.conf})
   * names on this machine: dynsec where it is installed, B-DT's plugin built into {@code dir}.
   */
  public static Path local(String imagePath, Path dir) throws IOException {
    return imagePath.endsWith("/" + DenialsPlugin.FILE)
        ? DenialsPlugin.build(dir)
        : dynamicSecurity();
  }
}
