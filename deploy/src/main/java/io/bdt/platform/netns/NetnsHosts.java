package io.bdt.platform.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Separate hosts on this machine: one Linux network namespace per host, each with its own address
 * on a private /24, joined by a bridge in the root namespace (which gets {@code .1}, so the test
 * reaches every host). Names resolve through {@code /etc/netns/NS/hosts}, which {@code ip netns
 * exec} mounts over {@code /etc/hosts}. Only addresses inside the subnet made here are used. Needs
 * root and iproute2; {@link #close} stops every process started here and removes every namespace,
 * link, and hosts file it made. Used by {@code ./bdt platform --hosts netns} and the ITs;
 * concurrent users keep apart by {@link Naming} (the ITs' {@code 10.231.X.0/24}, the platform's
 * {@code 10.232.X.0/24}) and a random tag in every name.
 */
public final class NetnsHosts implements AutoCloseable {

  /** One host: its DNS name, namespace, address and the root-side end of its link. */
  public record Host(String name, String namespace, String address, String link) {}

  /**
   * How one user of namespace hosts names what it makes: {@code prefix} starts every namespace,
   * bridge and link name (two letters, so the 15-byte interface names hold the tag and host index),
   * {@code subnets} is the {@code A.B} of the {@code A.B.X.0/24} subnets picked from.
   */
  public record Naming(String prefix, String subnets) {
    public Naming {
      if (!prefix.matches("[a-z]{2}") || !subnets.matches("10\\.\\d{1,3}")) {
        throw new IllegalArgumentException(
            "naming needs two lower-case letters and a 10.B prefix, got " + prefix + " " + subnets);
      }
    }
  }

  /** The integration tests' naming: {@code bdt...} namespaces on {@code 10.231.X.0/24}. */
  public static final Naming TESTS = new Naming("bb", "10.231");

  /** {@code ./bdt platform --hosts netns}'s naming: {@code bp...} on {@code 10.232.X.0/24}. */
  public static final Naming PLATFORM = new Naming("bp", "10.232");

  private final String tag;
  private final String subnet;
  private final String bridge;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());

  private NetnsHosts(String tag, String subnet, Naming naming) {
    this.tag = tag;
    this.subnet = subnet;
    this.bridge = naming.prefix() + tag;
  }

  /** Whether this process may make namespaces (root with a working {@code ip netns}). */
  public static boolean available() {
    try {
      String probe = "bdtprobe" + ProcessHandle.current().pid();
      if (run(List.of("ip", "netns", "add", probe)) != 0) {
        return false;
      }
      run(List.of("ip", "netns", "del", probe));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Hosts with the given DNS names, each in its own namespace on a fresh private /24. */
  public static NetnsHosts create(List<String> names) throws IOException {
    return create(names, TESTS);
  }

  /**
   * Hosts with the given DNS names, each in its own namespace on a fresh private /24 named by
   * {@code naming}; on failure everything made so far is removed again.
   */
  public static NetnsHosts create(List<String> names, Naming naming) throws IOException {
    String tag = Integer.toString(ThreadLocalRandom.current().nextInt(1000, 10000));
    String subnet = freeSubnet(naming.subnets());
    NetnsHosts h = new NetnsHosts(tag, subnet, naming);
    try {
      h.must("ip", "link", "add", h.bridge, "type", "bridge");
      h.must("ip", "addr", "add", subnet + ".1/24", "dev", h.bridge);
      h.must("ip", "link", "set", h.bridge, "up");
      int i = 0;
      for (String name : names) {
        String ns = "bdt" + naming.prefix() + tag + "h" + i;
        String link = naming.prefix() + tag + "h" + i;
        String inner = naming.prefix() + tag + "i" + i;
        String address = subnet + "." + (10 + i);
        h.must("ip", "netns", "add", ns);
        h.hosts.put(name, new Host(name, ns, address, link));
        h.must("ip", "link", "add", link, "type", "veth", "peer", "name", inner);
        h.must("ip", "link", "set", inner, "netns", ns);
        h.must("ip", "link", "set", link, "master", h.bridge);
        h.must("ip", "link", "set", link, "up");
        h.must("ip", "netns", "exec", ns, "ip", "addr", "add", address + "/24", "dev", inner);
        h.must("ip", "netns", "exec", ns, "ip", "link", "set", inner, "up");
        h.must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        i++;
      }
      StringBuilder etcHosts = new StringBuilder("127.0.0.1 localhost\n");
      h.hosts
          .values()
          .forEach(x -> etcHosts.append(x.address()).append(' ').append(x.name()).append('\n'));
      for (Host x : h.hosts.values()) {
        Path dir = Files.createDirectories(Path.of("/etc/netns", x.namespace()));
        Files.writeString(dir.resolve("hosts"), etcHosts, StandardCharsets.UTF_8);
      }
      return h;
    } catch (IOException | RuntimeException e) {
      h.close();
      throw e;
    }
  }

  /** Every host, in the order they were made. */
  public List<Host> hosts() {
    return List.copyOf(hosts.values());
  }

  /** The root namespace's address on the hosts' bridge ({@code .1}): where the launcher is seen. */
  public String bridgeAddress() {
    return subnet + ".1";
  }

  /** The host's record; fails naming the hosts there are. */
  public Host host(String name) {
    Host h = hosts.get(name);
    if (h == null) {
      throw new IllegalArgumentException("no host " + name + "; hosts are " + hosts.keySet());
    }
    return h;
  }

  /** Starts {@code command} inside {@code host}'s namespace, output to {@code log}. */
  public Process start(String host, List<String> command, Path log) throws IOException {
    return start(host, command, Map.of(), log);
  }

  /**
   * Starts {@code command} inside {@code host}'s namespace with {@code environment} added to this
   * process' environment, output to {@code log}.
   */
  public Process start(String host, List<String> command, Map<String, String> environment, Path log)
      throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", host(host).namespace()));
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full);
    builder.environment().putAll(environment);
    Process p =
        builder
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    processes.add(p);
    return p;
  }

  /** Takes {@code host}'s link down: it can reach nobody and nobody reaches it. */
  public void cut(String host) throws IOException {
    must("ip", "link", "set", host(host).link(), "down");
  }

  /** Brings {@code host}'s link back up. */
  public void heal(String host) throws IOException {
    must("ip", "link", "set", host(host).link(), "up");
  }

  @Override
  public void close() {
    // SIGTERM first, so services shut down as in a pod (journals, sessions); SIGKILL after 15 s
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (Process p : processes) {
      try {
        p.waitFor(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Host x : hosts.values()) {
      quietly("ip", "link", "del", x.link());
      quietly("ip", "netns", "del", x.namespace());
      try {
        Path dir = Path.of("/etc/netns", x.namespace());
        Files.deleteIfExists(dir.resolve("hosts"));
        Files.deleteIfExists(dir);
      } catch (IOException ignored) {
        // best effort: a leftover hosts file names only this run's namespace
      }
    }
    quietly("ip", "link", "del", bridge);
  }

  /** A {@code subnets}.X.0/24 no interface on this machine uses. */
  private static String freeSubnet(String subnets) throws IOException {
    Process p = new ProcessBuilder("ip", "-o", "addr").redirectErrorStream(true).start();
    String used = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    for (int attempt = 0; attempt < 50; attempt++) {
      String subnet = subnets + "." + ThreadLocalRandom.current().nextInt(1, 255);
      if (!used.contains(" " + subnet + ".")) {
        return subnet;
      }
    }
    throw new IOException("no free " + subnets + ".X.0/24 subnet");
  }

  private void must(String... command) throws IOException {
    if (run(List.of(command)) != 0) {
      throw new IOException("failed: " + String.join(" ", command));
    }
  }

  private static void quietly(String... command) {
    try {
      run(List.of(command));
    } catch (IOException ignored) {
      // cleanup of something that may already be gone
    }
  }

  private static int run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    }
  }
}
