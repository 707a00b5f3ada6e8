package io.bdt.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * What any local user can read of this JVM's child processes ({@code /proc/PID/cmdline}, the
 * arguments joined by spaces), and the platform's secrets to look for in it.
 */
final class ChildCommandLines {
  private ChildCommandLines() {}

  /** Each live descendant's command line, by process id (Linux). */
  static Map<Long, String> now() throws IOException {
    Map<Long, String> out = new LinkedHashMap<>();
    for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
      Path cmdline = Path.of("/proc", Long.toString(p.pid()), "cmdline");
      try {
        byte[] raw = Files.readAllBytes(cmdline);
        out.put(p.pid(), new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip());
      } catch (IOException gone) {
        // exited between listing and reading
      }
    }
    return out;
  }

  /**
   * The platform's secrets, named: the admin token, every chain key (hex, with and without {@code
   * 0x}), the token signing key's PEM lines, and the content of every secret file in the data
   * directory {@code work} (MQTT passwords, the provisioning secret).
   */
  static Map<String, String> secrets(Platform platform, Path work) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("admin token", platform.adminToken());
    List<Credentials> keys = new ArrayList<>(platform.keys().admins());
    keys.add(platform.keys().deployer());
    keys.addAll(platform.keys().aps());
    keys.addAll(platform.keys().gateways());
    for (Credentials c : keys) {
      String hex = Numeric.toHexStringNoPrefixZeroPadded(c.getEcKeyPair().getPrivateKey(), 64);
      out.put("chain key of " + c.getAddress(), hex);
    }
    List<String> pem = Files.readAllLines(work.resolve("auth/jwt-signing-key.pem"));
    for (String line : pem) {
      if (!line.startsWith("-----") && line.length() >= 32) {
        out.put("token signing key line", line);
      }
    }
    try (Stream<Path> files = Files.walk(work)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".password") || name.equals("provisioning-secret")) {
          out.put(work.relativize(f).toString(), Files.readString(f).strip());
        }
      }
    }
    return out;
  }
}
