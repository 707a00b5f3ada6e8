package io.bdt.gateway.access;

import io.bdt.pki.PlatformCa;
import io.bdt.pki.RevocationList;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Test fixture: a Mosquitto 2 process of its own (never the machine's broker) with the dynamic
 * security plugin, on a free loopback port, its config, plugin file, persistence and log in a temp
 * directory. The plugin's admin password is random and lives only in an owner-only file ({@link
 * #adminPasswordFile}); the plugin file is written here with the hash Mosquitto expects
 * (PBKDF2-HMAC-SHA512, 101 iterations, as {@code mosquitto_ctrl dynsec init} does) so no password
 * appears on a command line. The broker publishes its log on {@code $SYS/broker/log/#} ({@code
 * log_dest topic}) so gateways can count refused CONNECTs, and loads B-DT's {@link DenialsPlugin}
 * after dynsec (built into {@code target/mosquitto-plugin} when missing) so they count denied
 * PUBLISHes and SUBSCRIBEs. Reusable: {@code start()}, {@link #url()}, {@code close()}. Fault tests
 * {@linkplain #terminate() stop} or {@linkplain #kill() kill} it and {@linkplain #restart() start
 * it again} on the same port, config and persistence.
 *
 * <p>{@link #startWithTls()} adds the two TLS listeners a plant runs (docs/security.md): one for
 * password clients ({@link #tlsUrl()}, server certificate only) and one for certificate devices
 * ({@link #certificateUrl()}: {@code require_certificate}, the certificate's CN is the username),
 * both with a server certificate for {@code 127.0.0.1} from a platform CA of the broker's own
 * ({@link #ca()}); the certificate listener checks client certificates against that CA's {@link
 * RevocationList} (empty at start; {@link #reload()} after a change).
 *
 * <p>Needs {@code mosquitto} (Debian package {@code mosquitto}, 2.0+) and its plugin, and {@code
 * gcc} with {@code mosquitto-dev} and {@code libmosquitto-dev} for B-DT's; {@code
 * -Dbdt.test.mosquitto=/path/to/mosquitto} and {@code -Dbdt.test.mosquitto.dynsec=/path/to/.so}
 * override where they are.
 */
public final class MosquittoDynsec implements AutoCloseable {

  /** The plugin admin's username. */
  public static final String ADMIN = "admin";

  private static final List<String> PLUGINS =
      List.of(
          "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so",
          "/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so",
          "/usr/lib/mosquitto_dynamic_security.so",
          "/usr/local/lib/mosquitto_dynamic_security.so");

  private final Path dir;
  private final int port;
  private final Path adminPasswordFile;
  private Optional<Tls> tls = Optional.empty();
  private Process process;

  /** The TLS listeners' ports and the CA that issued their certificate. */
  private record Tls(PlatformCa ca, int port, int certificatePort) {}

  private MosquittoDynsec(Path dir, int port, Path adminPasswordFile) {
    this.dir = dir;
    this.port = port;
    this.adminPasswordFile = adminPasswordFile;
  }

  /**
   * Starts a broker that also has the TLS listeners: password clients on {@link #tlsUrl()},
   * certificate devices on {@link #certificateUrl()}.
   */
  public static MosquittoDynsec startWithTls() throws IOException {
    Path dir = Files.createTempDirectory("bdt-mosquitto");
    PlatformCa ca =
        PlatformCa.openOrCreate(
            dir.resolve("pki"), "B-DT test broker CA", Duration.ofDays(1), Clock.systemUTC());
    Path cert = dir.resolve("pki/server.pem");
    Path key = dir.resolve("pki/server-key.pem");
    ca.issueServer(List.of("127.0.0.1", "localhost"), Duration.ofDays(1)).write(cert, key);
    Tls tls = new Tls(ca, freePort(), freePort());
    RevocationList crl = RevocationList.open(ca, Clock.systemUTC());
    crl.write(Duration.ofDays(1));
    String files =
        "cafile %s%ncertfile %s%nkeyfile %s%n".formatted(ca.certificateFile(), cert, key);
    MosquittoDynsec broker =
        start(
            dir,
            """
            listener %d 127.0.0.1
            %s
            listener %d 127.0.0.1
            %s
            require_certificate true
            use_identity_as_username true
            crlfile %s
            """
                .formatted(tls.port(), files, tls.certificatePort(), files, crl.file()),
            tls);
    return broker;
  }

  /**
   * Starts a broker with {@code extraConfig} appended to its config (e.g. a TLS listener); returns
   * once it accepts connections.
   */
  public static MosquittoDynsec start(String extraConfig) throws IOException {
    return start(Files.createTempDirectory("bdt-mosquitto"), extraConfig, null);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static MosquittoDynsec start(Path dir, String extraConfig, Tls tls) throws IOException {
    int port = freePort();
    SecureRandom random = new SecureRandom();
    byte[] secret = new byte[24];
    random.nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    Path passwordFile = ownerOnly(dir.resolve("admin.password"), password + "\n");
    Path dynsec = ownerOnly(dir.resolve("dynamic-security.json"), pluginFile(password, random));
    Path conf =
        ownerOnly(
            dir.resolve("mosquitto.conf"),
            """
            per_listener_settings false
            allow_anonymous false
            persistence true
            persistence_location %s/
            user %s
            log_dest file %s
            log_dest topic
            log_type error
            log_type warning
            log_type notice
            log_type information
            listener %d 127.0.0.1
            plugin %s
            plugin_opt_config_file %s
            plugin %s
            %s
            """
                .formatted(
                    dir,
                    System.getProperty("user.name"),
                    dir.resolve("mosquitto.log"),
                    port,
                    plugin(),
                    dynsec,
                    DenialsPlugin.build(Path.of("target", "mosquitto-plugin")),
                    extraConfig));
    MosquittoDynsec broker = new MosquittoDynsec(dir, port, passwordFile);
    broker.tls = Optional.ofNullable(tls);
    broker.launch();
    return broker;
  }

  private void launch() throws IOException {
    process =
        new ProcessBuilder(
                System.getProperty("bdt.test.mosquitto", "mosquitto"),
                "-c",
                dir.resolve("mosquitto.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.out").toFile()))
            .start();
    awaitListening();
  }

  /**
   * Stops the broker with SIGTERM and waits for it to exit: Mosquitto saves its persistence
   * database (sessions, subscriptions, queued messages) on the way out.
   */
  public void terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new IllegalStateException("mosquitto did not exit within 30 s of SIGTERM");
    }
  }

  /**
   * Makes the broker write its persistence database now (SIGUSR1, what {@code autosave_interval}
   * does periodically) and waits until the file has changed.
   */
  public void save() throws IOException, InterruptedException {
    Path db = dir.resolve("mosquitto.db");
    long before = Files.exists(db) ? Files.getLastModifiedTime(db).toMillis() : -1;
    long size = Files.exists(db) ? Files.size(db) : -1;
    Process signal =
        new ProcessBuilder("kill", "-USR1", Long.toString(process.pid())).inheritIO().start();
    if (signal.waitFor() != 0) {
      throw new IOException("kill -USR1 " + process.pid() + " failed");
    }
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (!Files.exists(db)
        || (Files.getLastModifiedTime(db).toMillis() == before && Files.size(db) == size)) {
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("mosquitto did not write " + db + " within 10 s of SIGUSR1");
      }
      Thread.sleep(20);
    }
  }

  /**
   * Makes the broker reread its config, certificates and CRL (SIGHUP) and waits until its log says
   * it has; connections stay open.
   */
  public void reload() throws IOException, InterruptedException {
    Path log = dir.resolve("mosquitto.log");
    long before = reloads(log);
    Process signal =
        new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
    if (signal.waitFor() != 0) {
      throw new IOException("kill -HUP " + process.pid() + " failed");
    }
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (reloads(log) == before) {
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("mosquitto did not reload within 10 s of SIGHUP (" + log + ")");
      }
      Thread.sleep(20);
    }
  }

  private static long reloads(Path log) throws IOException {
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("Reloading config")).count();
    }
  }

  /** Kills the broker with SIGKILL: it saves nothing; what it last saved is what restarts. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Starts the broker again on the same port with the same config and persistence directory. */
  public void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("mosquitto is still running");
    }
    launch();
  }

  /** {@code tcp://127.0.0.1:<port>}. */
  public String url() {
    return "tcp://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** {@code ssl://127.0.0.1:<port>} of the TLS listener for password clients. */
  public String tlsUrl() {
    return "ssl://127.0.0.1:" + tls().port();
  }

  /**
   * {@code ssl://127.0.0.1:<port>} of the listener for certificate devices: a client certificate of
   * {@link #ca()} is required and its CN is the client's username.
   */
  public String certificateUrl() {
    return "ssl://127.0.0.1:" + tls().certificatePort();
  }

  /** The CA that issued the TLS listeners' certificate and whose client certificates they take. */
  public PlatformCa ca() {
    return tls().ca();
  }

  private Tls tls() {
    return tls.orElseThrow(() -> new IllegalStateException("started without TLS: startWithTls()"));
  }

  /** Owner-only file with the plugin admin's password (first line). */
  public Path adminPasswordFile() {
    return adminPasswordFile;
  }

  /** The broker's temp directory (config, plugin file, persistence, log). */
  public Path dir() {
    return dir;
  }

  /** Writes an owner-only file created with those permissions (never chmod afterwards). */
  public static Path ownerOnly(Path file, String content) throws IOException {
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void awaitListening() throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException(
            "mosquitto exited with "
                + process.exitValue()
                + ": "
                + Files.readString(dir.resolve("mosquitto.out")));
      }
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted waiting for mosquitto", e);
        }
      }
    }
    close();
    throw new IOException("mosquitto did not listen on " + port + " within 10 s");
  }

  private static String plugin() throws IOException {
    Optional<String> configured =
        Optional.ofNullable(System.getProperty("bdt.test.mosquitto.dynsec"));
    return configured
        .or(() -> PLUGINS.stream().filter(p -> Files.isRegularFile(Path.of(p))).findFirst())
        .orElseThrow(
            () ->
                new IOException(
                    "mosquitto_dynamic_security.so not found in "
                        + PLUGINS
                        + ": install Debian's mosquitto package or set -Dbdt.test.mosquitto.dynsec"));
  }

  /** The plugin's JSON file with one admin client, as {@code mosquitto_ctrl dynsec init} makes. */
  private static String pluginFile(String password, SecureRandom random) {
    byte[] salt = new byte[12];
    random.nextBytes(salt);
    byte[] hash;
    try {
      hash =
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
              .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 101, 512))
              .getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    Base64.Encoder b64 = Base64.getEncoder();
    String adminAcls =
        """
        {"acltype":"publishClientSend","topic":"$CONTROL/dynamic-security/#","allow":true},
        {"acltype":"publishClientReceive","topic":"$CONTROL/dynamic-security/#","allow":true},
        {"acltype":"subscribePattern","topic":"$CONTROL/dynamic-security/#","allow":true},
        {"acltype":"publishClientReceive","topic":"$SYS/#","allow":true},
        {"acltype":"subscribePattern","topic":"$SYS/#","allow":true},
        {"acltype":"unsubscribePattern","topic":"#","allow":true}
        """;
    return """
        {"clients":[{"username":"%s","password":"%s","salt":"%s","iterations":101,
          "roles":[{"rolename":"admin"}]}],
         "roles":[{"rolename":"admin","acls":[%s]}],
         "defaultACLAccess":{"publishClientSend":false,"publishClientReceive":true,
          "subscribe":false,"unsubscribe":true}}
        """
        .formatted(ADMIN, b64.encodeToString(hash), b64.encodeToString(salt), adminAcls);
  }
}
