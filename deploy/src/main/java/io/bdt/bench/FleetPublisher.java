package io.bdt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.pki.TlsContexts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The ten-thousand-device load of {@code ./bdt bench-ingest --fleet}: a separate JVM in which every
 * device is its own MQTT 3.1.1 connection (its own credentials, a persistent session: clean session
 * off, a stable client id) publishing QoS 1 JSON telemetry on its own topic, all driven by one
 * selector thread (a Paho client per device would be three threads per device, 30,000 here). A
 * device keeps at most {@code inflight} publishes unacknowledged; the fleet offers {@code rate}
 * msg/s in total (0: as fast as the acknowledgements come back). Each payload carries the device's
 * sequence number and its send time ({@code sentAtMicros}, epoch µs of the machine's clock, which
 * the gateway's JVM shares) so the driver measures twin-update latency. An {@code ssl://} broker
 * URL makes every connection TLS ({@link FleetLink#tls}: the broker's certificate checked against
 * the settings' {@code caFile} and its host name, as the platform's devices check it).
 *
 * <p>Same protocol with the driver as {@link IngestPublisher}: settings from the owner-only file
 * named by its only argument, {@code ready} once every device is connected (with {@code sessions
 * N}: how many found a session the broker kept), {@code published N} twice a second, {@code done N}
 * at the end; stops at a line on standard input or at its time limit.
 */
public final class FleetPublisher {
  /** Connections whose CONNECT is sent and CONNACK not yet read, at most (a SYN-backlog guard). */
  static final int CONNECTING = 200;

  private static volatile boolean stopped;

  private FleetPublisher() {}

  /** One device's connection: what is left to write, and its unacknowledged publishes. */
  private static final class Device {
    final FleetLink link;
    final SocketChannel channel;
    final byte[] topic;
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    final ByteBuffer in = ByteBuffer.allocate(4096);
    boolean connected;
    int inflight;
    int nextId = 1;
    long seq;

    Device(FleetLink link, String topic) {
      this.link = link;
      this.channel = link.channel;
      this.topic = topic.getBytes(StandardCharsets.UTF_8);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: FleetPublisher SETTINGS.json");
      System.exit(2);
    }
    JsonNode spec = new ObjectMapper().readTree(Path.of(args[0]).toFile());
    URI url = URI.create(spec.path("url").asText());
    Optional<SSLContext> tls =
        switch (url.getScheme()) {
          case "tcp" -> Optional.empty();
          case "ssl" ->
              Optional.of(
                  TlsContexts.fromPem(
                      Path.of(spec.path("caFile").asText()), Optional.empty(), Optional.empty()));
          default -> throw new IllegalArgumentException("tcp:// or ssl:// broker URL, got " + url);
        };
    Broker broker = new Broker(url.getHost(), url.getPort(), tls);
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(spec.path("millis").asLong());
    double rate = spec.path("rate").asDouble(0);
    int maxInflight = Math.max(1, spec.path("inflight").asInt(4));
    String clientPrefix = spec.path("clientPrefix").asText("fleet-");
    Selector selector = Selector.open();
    List<Device> devices = new ArrayList<>();
    int sessions = connectAll(spec.path("devices"), broker, clientPrefix, selector, devices);
    System.out.println("ready sessions " + sessions);
    System.out.flush();
    IngestPublisher.onInput(() -> stopped = true);
    long published = 0;
    long start = System.nanoTime();
    long lastReport = start;
    int next = 0;
    while (!stopped && System.nanoTime() < end) {
      long now = System.nanoTime();
      long due = rate > 0 ? (long) ((now - start) * rate / 1e9) - published : Long.MAX_VALUE;
      // round-robin over the devices with room in their window, as many as are due
      for (int scanned = 0; scanned < devices.size() && due > 0; scanned++) {
        Device d = devices.get(next);
        next = (next + 1) % devices.size();
        if (d.inflight < maxInflight) {
          publish(d, selector);
          published++;
          due--;
        }
      }
      selector.select(rate > 0 ? 1 : 10);
      for (SelectionKey key : selector.selectedKeys()) {
        Device d = (Device) key.attachment();
        if (key.isValid() && key.isReadable()) {
          read(d);
        }
        if (key.isValid() && (key.isWritable() || !d.out.isEmpty())) {
          flush(d, key); // also what waited for a TLS handshake the read just finished
        }
      }
      selector.selectedKeys().clear();
      if (now - lastReport > 500_000_000L) {
        lastReport = now;
        System.out.println("published " + published);
        System.out.flush();
      }
    }
    System.out.println("done " + published);
    System.out.flush();
    for (Device d : devices) {
      d.channel.close(); // no DISCONNECT: the sessions stay for the next phase
    }
    System.exit(0);
  }

  /**
   * Opens every device's connection, {@link #CONNECTING} CONNECTs at a time; returns how many
   * CONNACKs said the broker had kept the device's session.
   */
  private static int connectAll(
      JsonNode specs, Broker broker, String clientPrefix, Selector selector, List<Device> devices)
      throws IOException {
    int sessions = 0;
    int waiting = 0;
    int total = specs.size();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120 + total / 50);
    int opened = 0;
    while (devices.stream().filter(d -> d.connected).count() < total) {
      while (opened < total && waiting < CONNECTING) {
        JsonNode s = specs.get(opened++);
        SocketChannel ch = SocketChannel.open(new InetSocketAddress(broker.host(), broker.port()));
        ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        ch.configureBlocking(false);
        FleetLink link =
            broker.tls().isPresent()
                ? FleetLink.tls(ch, broker.tls().get(), broker.host(), broker.port())
                : FleetLink.plain(ch);
        Device d = new Device(link, s.path("topic").asText());
        ch.register(selector, SelectionKey.OP_READ, d);
        d.out.add(
            MqttPackets.connect(
                clientPrefix + s.path("username").asText(),
                s.path("username").asText(),
                s.path("secret").asText()));
        flush(d, ch.keyFor(selector));
        devices.add(d);
        waiting++;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "only " + (opened - waiting) + " of " + total + " devices connected in time");
      }
      selector.select(100);
      for (SelectionKey key : selector.selectedKeys()) {
        Device d = (Device) key.attachment();
        if (key.isValid() && key.isReadable() && !d.connected) {
          int present = readConnack(d);
          if (present >= 0) {
            d.connected = true;
            sessions += present;
            waiting--;
          }
        }
        if (key.isValid() && (key.isWritable() || !d.out.isEmpty())) {
          flush(d, key); // also the CONNECT that waited for the TLS handshake
        }
      }
      selector.selectedKeys().clear();
    }
    return sessions;
  }

  /** Reads a CONNACK: -1 while incomplete, else its session-present flag; throws on a refusal. */
  private static int readConnack(Device d) throws IOException {
    if (d.link.read(d.in) < 0) {
      throw new IOException("the broker closed a device's connection before its CONNACK");
    }
    if (d.in.position() < 4) {
      return -1;
    }
    int type = d.in.get(0) & 0xF0;
    int code = d.in.get(3) & 0xFF;
    if (type != 0x20 || code != 0) {
      throw new IOException("CONNACK refused a device: return code " + code);
    }
    int present = d.in.get(2) & 1;
    d.in.flip();
    d.in.position(4);
    d.in.compact();
    return present;
  }

  /** Where the devices connect, and TLS if the URL is {@code ssl://}. */
  private record Broker(String host, int port, Optional<SSLContext> tls) {}

  private static void publish(Device d, Selector selector) throws IOException {
    int id = d.nextId;
    d.nextId = id == 65535 ? 1 : id + 1;
    Instant t = Instant.now();
    long micros = t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    byte[] payload =
        ("{\"seq\":" + ++d.seq + ",\"sentAtMicros\":" + micros + ",\"temperature\":42.5}")
            .getBytes(StandardCharsets.US_ASCII);
    d.out.add(MqttPackets.publishQos1(d.topic, id, payload));
    d.inflight++;
    flush(d, d.channel.keyFor(selector));
  }

  /** Reads PUBACKs (and ignores anything else whole). */
  private static void read(Device d) throws IOException {
    if (d.link.read(d.in) < 0) {
      throw new IOException("the broker closed a device's connection");
    }
    d.in.flip();
    while (d.in.remaining() >= 2) {
      int p = d.in.position();
      int type = d.in.get(p) & 0xF0;
      int length = d.in.get(p + 1) & 0xFF; // PUBACK and PINGRESP fit in one length byte
      if (length > 127 || d.in.remaining() < 2 + length) {
        if (length > 127) {
          throw new IOException("unexpected packet of type " + (type >> 4) + " for a device");
        }
        break;
      }
      if (type == 0x40) {
        d.inflight--;
      }
      d.in.position(p + 2 + length);
    }
    d.in.compact();
  }

  private static void flush(Device d, SelectionKey key) throws IOException {
    while (!d.out.isEmpty()) {
      ByteBuffer b = d.out.peekFirst();
      if (!d.link.write(b)) {
        key.interestOps(
            d.link.waitsForWritable()
                ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
                : SelectionKey.OP_READ);
        return;
      }
      d.out.pollFirst();
    }
    key.interestOps(SelectionKey.OP_READ);
  }
}
