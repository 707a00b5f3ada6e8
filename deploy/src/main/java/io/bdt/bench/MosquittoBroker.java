package io.bdt.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.access.AccessTable;
import io.bdt.gateway.access.ClientRole;
import io.bdt.gateway.access.DenialsPlugin;
import io.bdt.gateway.access.TopicPolicy;
import io.bdt.pki.Pem;
import io.bdt.platform.MosquittoPlugin;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A Mosquitto 2 broker of the benchmark's own (never the machine's at 1883): free loopback ports
 * for a plain and a TLS listener, anonymous clients refused, B-DT's denials plugin after dynsec (as
 * in production; never asked about allowed traffic), and the dynamic security plugin with its file
 * written here before the start, as the plugin keeps it once the gateways have granted their
 * devices: each gateway's client ({@code gateway:<id>}) and each device's, with a role per client
 * built from {@link TopicPolicy} (the rules both brokers enforce), passwords hashed as the plugin
 * does (PBKDF2-HMAC-SHA512, 101 iterations), so no secret is on a command line. Writing the file
 * beforehand, rather than having the gateways create 10,000 clients through {@code
 * $CONTROL/dynamic-security/v1}, is what makes a fleet start in seconds: the plugin rewrites its
 * whole file after every command.
 */
final class MosquittoBroker implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final String url;
  private final String tlsUrl;

  /**
   * Starts Mosquitto with its files in {@code dir}.
   *
   * @param launcher what goes before the command (e.g. {@code taskset -c 0}), or empty
   * @param gatewayPasswords each gateway's data-connection password, by gateway id
   * @param deviceSecrets each gateway's devices' secrets, by gateway id and device id
   * @param inflight {@code max_inflight_messages}: QoS 1 messages sent to one client and not yet
   *     acknowledged (Mosquitto's default is 20)
   * @param tls CA, server certificate chain and key (PEM) for the TLS listener
   */
  MosquittoBroker(
      Path dir,
      List<String> launcher,
      Map<String, String> gatewayPasswords,
      Map<String, Map<String, String>> deviceSecrets,
      int inflight,
      Path caFile,
      Path certFile,
      Path keyFile)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path plugin = MosquittoPlugin.dynamicSecurity();
    Path dynsec = dir.resolve("dynamic-security.json");
    Pem.writeSecret(dynsec, pluginFile(gatewayPasswords, deviceSecrets));
    int port = freePort();
    int tlsPort = freePort();
    Path conf = dir.resolve("mosquitto.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "per_listener_settings false",
            "allow_anonymous false",
            // started as root, Mosquitto would switch to its own user and lose the owner-only files
            "user root",
            "persistence false",
            // a slow subscriber's QoS 1 backlog is kept, not dropped, for the length of a run
            "max_queued_messages 0",
            "max_inflight_messages " + inflight,
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "listener " + port + " 127.0.0.1",
            "listener " + tlsPort + " 127.0.0.1",
            "cafile " + caFile,
            "certfile " + certFile,
            "keyfile " + keyFile,
            "plugin " + plugin,
            "plugin_opt_config_file " + dynsec,
            // after dynsec: asked only for the checks dynsec denied (none in an ingest run)
            "plugin " + DenialsPlugin.build(dir.resolve("plugin")),
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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!listening(port) || !listening(tlsPort)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        close();
        throw new IOException(
            "mosquitto did not start; its log: " + Files.readString(dir.resolve("mosquitto.log")));
      }
      Thread.sleep(50);
    }
  }

  /** The plugin's file: the gateways' and devices' clients and roles; nothing else is allowed. */
  private static String pluginFile(
      Map<String, String> gatewayPasswords, Map<String, Map<String, String>> deviceSecrets)
      throws IOException {
    SecureRandom random = new SecureRandom();
    ObjectNode root = JSON.createObjectNode();
    ArrayNode clients = root.putArray("clients");
    ArrayNode roles = root.putArray("roles");
    gatewayPasswords.forEach(
        (gw, password) ->
            client(
                clients,
                roles,
                AccessTable.GATEWAY_PREFIX + gw,
                password,
                new ClientRole.Gateway(gw),
                random));
    deviceSecrets.forEach(
        (gw, devices) ->
            devices.forEach(
                (device, secret) ->
                    client(
                        clients,
                        roles,
                        device,
                        secret,
                        new ClientRole.Device(device, gw),
                        random)));
    root.putObject("defaultACLAccess")
        .put("publishClientSend", false)
        .put("publishClientReceive", true)
        .put("subscribe", false)
        .put("unsubscribe", true);
    return JSON.writeValueAsString(root);
  }

  private static void client(
      ArrayNode clients,
      ArrayNode roles,
      String username,
      String password,
      ClientRole role,
      SecureRandom random) {
    String rolename = "bdt-" + username.replace(':', '-');
    byte[] salt = new byte[12];
    random.nextBytes(salt);
    Base64.Encoder b64 = Base64.getEncoder();
    ObjectNode c = clients.addObject();
    c.put("username", username);
    c.put("password", b64.encodeToString(pbkdf2(password, salt)));
    c.put("salt", b64.encodeToString(salt));
    c.put("iterations", 101);
    c.putArray("roles").addObject().put("rolename", rolename);
    ObjectNode r = roles.addObject().put("rolename", rolename);
    ArrayNode acls = r.putArray("acls");
    for (String topic : TopicPolicy.publishFilters(role)) {
      acls.addObject().put("acltype", "publishClientSend").put("topic", topic).put("allow", true);
    }
    for (String filter : TopicPolicy.subscribeFilters(role)) {
      acls.addObject().put("acltype", "subscribePattern").put("topic", filter).put("allow", true);
    }
  }

  private static byte[] pbkdf2(String password, byte[] salt) {
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
          .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 101, 512))
          .getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
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
