package io.bdt.platform;

import io.bdt.platform.netns.NetnsHosts;
import io.bdt.platform.netns.OverlayPods;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The overlay's Mosquitto on its namespace host for {@link NetnsPlatform}: its configuration with
 * paths mapped, dynsec where this machine has it and B-DT's denials plugin built here, run as this
 * user where the pod runs it as uid 1883, and its dynamic security file initialised as the pod's
 * init container does (the admin password read from stdin).
 *
 * @param port the first listener's port (password clients: devices and gateways)
 * @param tls whether that listener is TLS
 */
record NetnsMosquitto(int port, boolean tls) {

  /** The overlay's MQTT Service name, which is the broker host's name. */
  static final String HOST = "mosquitto";

  /** Starts it on {@link #HOST} and waits until its first listener accepts connections. */
  static NetnsMosquitto start(OverlayPods prod, NetnsHosts hosts, Path files, Path pods, Path logs)
      throws IOException, InterruptedException {
    Map<String, Path> mounts = prod.mounts(HOST, "mosquitto-0", files, pods);
    Path dynsec = Path.of(OverlayPods.local("/mosquitto/data/dynamic-security.json", mounts));
    int port = 0;
    boolean tls = false;
    StringBuilder conf =
        new StringBuilder("# the prod overlay's mosquitto.conf, paths mapped\nuser root\n");
    for (String line : prod.configMapEntry("mosquitto-config", "mosquitto.conf").split("\n")) {
      String[] w = line.split(" ", 2);
      if (w.length == 2 && w[0].equals("listener") && port == 0) {
        port = Integer.parseInt(w[1].strip().split(" ")[0]); // the first: password clients
      }
      tls |= w.length == 2 && w[0].equals("certfile");
      if (w.length == 2 && w[0].equals("plugin")) {
        line = "plugin " + MosquittoPlugin.local(w[1].strip(), pods.resolve("mosquitto-plugin"));
      } else if (w.length == 2 && !w[0].startsWith("#")) {
        line = w[0] + " " + OverlayPods.local(w[1], mounts);
      }
      conf.append(line).append('\n');
    }
    Path config = Files.createDirectories(mounts.get("/mosquitto/config"));
    Files.writeString(config.resolve("mosquitto.conf"), conf);
    String admin = Files.readString(files.resolve("mosquitto-admin/username")).strip();
    String password = Files.readString(files.resolve("mosquitto-admin/password")).strip();
    Process init =
        new ProcessBuilder("mosquitto_ctrl", "dynsec", "init", dynsec.toString(), admin)
            .redirectErrorStream(true)
            .start();
    init.getOutputStream()
        .write((password + "\n" + password + "\n").getBytes(StandardCharsets.UTF_8));
    init.getOutputStream().close();
    String said = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!init.waitFor(30, TimeUnit.SECONDS) || init.exitValue() != 0 || !Files.exists(dynsec)) {
      throw new IOException("mosquitto_ctrl dynsec init failed: " + said.strip());
    }
    List<String> command = new ArrayList<>();
    for (String w : prod.command(HOST)) {
      command.add(OverlayPods.local(w, Map.of("/mosquitto/config", config)));
    }
    hosts.start(HOST, command, Map.of(), logs.resolve("mosquitto.log"));
    awaitListening(hosts, HOST, port, Duration.ofSeconds(30), logs.resolve("mosquitto.log"));
    return new NetnsMosquitto(port, tls);
  }

  /** Waits until {@code host} accepts connections on {@code port}; fails naming its log. */
  static void awaitListening(NetnsHosts hosts, String host, int port, Duration limit, Path log)
      throws IOException, InterruptedException {
    String address = hosts.host(host).address();
    long end = System.nanoTime() + limit.toNanos();
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(address, port), 1000);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > end) {
          throw new IOException(
              host + " did not listen on " + address + ":" + port + "; see " + log, e);
        }
        Thread.sleep(200);
      }
    }
  }
}
