package io.bdt.bench;

import io.bdt.pki.Pem;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto 2 broker of the benchmark's own (never the machine's at 1883): free loopback ports
 * for a plain and a TLS listener, anonymous clients refused, a password file (hashed by {@code
 * mosquitto_passwd -U}, so no secret is on a command line) and an ACL file that gives each device
 * its own telemetry topic and the gateway its subscriptions, the same rules as the embedded
 * broker's {@code TopicPolicy} for what the benchmark uses.
 */
final class MosquittoBroker implements AutoCloseable {
  private final Process process;
  private final String url;
  private final String tlsUrl;

  /**
   * Starts Mosquitto with its files in {@code dir}.
   *
   * @param launcher what goes before the command (e.g. {@code taskset -c 0}), or empty
   * @param gatewayId the gateway whose telemetry topics the ACL covers
   * @param passwords MQTT password of each username (the gateway's account and every device's)
   * @param gatewayUser the gateway's username; every other user is a device named by it
   * @param tls CA, server certificate chain and key (PEM) for the TLS listener
   */
  MosquittoBroker(
      Path dir,
      List<String> launcher,
      String gatewayId,
      String gatewayUser,
      Map<String, String> passwords,
      Path caFile,
      Path certFile,
      Path keyFile)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path passwordFile = dir.resolve("passwords");
    StringBuilder plain = new StringBuilder();
    passwords.forEach(
        (user, password) -> plain.append(user).append(':').append(password).append('\n'));
    Pem.writeSecret(passwordFile, plain.toString());
    run(List.of("mosquitto_passwd", "-U", passwordFile.toString()), dir.resolve("passwd.log"));
    String prefix = "bdt/" + gatewayId + "/";
    Files.writeString(
        dir.resolve("acl"),
        String.join(
            "\n",
            "user " + gatewayUser,
            "topic read " + prefix + "devices/+/telemetry",
            "topic read " + prefix + "provision/request/+",
            "topic write " + prefix + "provision/reply/+",
            "topic read bdt/provision/request/+",
            "topic write bdt/provision/reply/+",
            "topic read spBv1.0/+/DDATA/" + gatewayId + "/+",
            "topic read bdt/access/refusals",
            "",
            "# every other user is a device: its own telemetry topic only",
            "pattern write " + prefix + "devices/%u/telemetry",
            ""));
    int port = freePort();
    int tlsPort = freePort();
    Path conf = dir.resolve("mosquitto.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "per_listener_settings false",
            "allow_anonymous false",
            "password_file " + passwordFile,
            "acl_file " + dir.resolve("acl"),
            // started as root, Mosquitto would switch to its own user and lose the owner-only files
            "user root",
            "persistence false",
            // a slow subscriber's QoS 1 backlog is kept, not dropped, for the length of a run
            "max_queued_messages 0",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "listener " + port + " 127.0.0.1",
            "listener " + tlsPort + " 127.0.0.1",
            "cafile " + caFile,
            "certfile " + certFile,
            "keyfile " + keyFile,
            ""));
    List<String> cmd = new ArrayList<>(launcher);
    cmd.addAll(List.of("mosquitto", "-c", conf.toString()));
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mosquitto.log").toFile())
            .start();
    url = "tcp://127.0.0.1:" + port;
    tlsUrl = "ssl://127.0.0.1:" + tlsPort;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!listening(port) || !listening(tlsPort)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        close();
        throw new IOException(
            "mosquitto did not start; its log: " + Files.readString(dir.resolve("mosquitto.log")));
      }
      Thread.sleep(50);
    }
  }

  String url() {
    return url;
  }

  String tlsUrl() {
    return tlsUrl;
  }

  /** The broker process (its CPU time is read from /proc by the benchmark). */
  long pid() {
    return process.pid();
  }

  private static void run(List<String> cmd, Path log) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + Files.readString(log));
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
