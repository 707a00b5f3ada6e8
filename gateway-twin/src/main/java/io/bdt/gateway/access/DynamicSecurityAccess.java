package io.bdt.gateway.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.mqtt.MessageCallback;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.jboss.logging.Logger;

/**
 * {@link BrokerAccess} for Mosquitto 2 with its dynamic security plugin: the gateway logs in as the
 * plugin's admin on a connection of its own and manages clients and roles through {@code
 * $CONTROL/dynamic-security/v1} (each command awaited by its correlation data). Its own data
 * connection ({@code gateway:<id>}), each provisioning profile ({@code provision:<key>}) and each
 * device get a role built from {@link TopicPolicy}; a revocation disables the device's client,
 * which the plugin disconnects at once.
 *
 * <p>Mosquitto hashes passwords itself, so a device's client is created at {@link #grant} from the
 * secret in clear (over the admin connection, which must be TLS off loopback); the plugin keeps it
 * in its own file, so a restarted gateway's {@link #sync} need not (and cannot) recreate it.
 *
 * <p>Refusals: with {@code log_dest topic} the broker publishes its log on {@code $SYS/broker/log};
 * the "not authorised" CONNECT refusals in it (notice level) are reported as {@link
 * Refusal.Reason#CONNECT_REFUSED} (the log does not say which client or why), and TLS handshakes
 * that failed on the client's certificate ("OpenSSL Error[0]: ... certificate verify failed", error
 * level) as {@link Refusal.Reason#UNTRUSTED_CERTIFICATE}, and a revoked certificate device's
 * connection ("New client connected ... u'<device id>'", notice level) as {@link
 * Refusal.Reason#REVOKED_DEVICE}, after which the gateway disconnects it. Denied PUBLISHes and
 * SUBSCRIBEs (the broker logs them only at debug level, or not at all) come from B-DT's own plugin
 * loaded after dynsec ({@link DenialsPlugin}) on {@link DenialsPlugin#REPORT}, each counted under
 * {@link TopicPolicy#refusalReason} (as the HiveMQ extension counts them): those of this gateway's
 * own client and devices, of provisioning clients, and those the plugin aggregated without a name
 * (docs/security.md).
 *
 * <p>A revocation both disables the device's client and takes its role away: Mosquitto 2.0.11 does
 * not ask the plugin to log in a client on a certificate listener ({@code
 * use_identity_as_username}), so a disabled certificate device can connect again; with no role
 * every publish and subscribe it makes is refused, and the gateway disconnects it as soon as the
 * broker's log shows it.
 */
public final class DynamicSecurityAccess implements BrokerAccess {

  private static final Logger LOG = Logger.getLogger(DynamicSecurityAccess.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the plugin takes commands. */
  public static final String CONTROL = "$CONTROL/dynamic-security/v1";

  /** Where the plugin answers. */
  public static final String RESPONSE = CONTROL + "/response";

  /** Mosquitto's notice-level log lines ({@code log_dest topic}): refused CONNECTs. */
  public static final String BROKER_LOG = "$SYS/broker/log/N";

  /** Mosquitto's error-level log lines: failed TLS handshakes. */
  public static final String BROKER_ERRORS = "$SYS/broker/log/E";

  // a client let in ("u'<username>'" only when it has one; on a certificate listener, its CN)
  private static final Pattern CONNECTED =
      Pattern.compile("New client connected from \\S+ as (\\S+) \\(.*, u'([^']*)'\\)");
  private static final Pattern NOT_AUTHORISED =
      Pattern.compile("Client (\\S+) disconnected, not authori[sz]ed");
  // OpenSSL's verdict on the peer's certificate chain: only the broker verifies one (a client that
  // does not trust the broker makes the broker log an alert, "tlsv1 alert unknown ca", instead)
  private static final Pattern CERTIFICATE_REFUSED =
      Pattern.compile("OpenSSL Error\\[\\d+\\]: .*certificate verify failed");
  private static final long WAIT_MILLIS = 10_000;

  private final String gatewayId;
  private final String brokerUrl;
  private final MqttConnectionOptions adminOptions;
  private final String gatewayPassword;
  private final Map<String, String> profileSecrets;
  private final Consumer<Refusal> refusals;
  private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();
  // this gateway's devices (granted or synced): their denials are this gateway's to count
  private final Set<String> devices = ConcurrentHashMap.newKeySet();
  private volatile MqttAsyncClient admin;

  /**
   * @param adminOptions how to log in as the plugin's admin (username, password, TLS)
   * @param gatewayPassword the password of this gateway's own data connection
   * @param profileSecrets each provisioning profile's secret, by profile key
   * @param refusals told of every refusal seen in the broker's log
   */
  public DynamicSecurityAccess(
      String gatewayId,
      String brokerUrl,
      MqttConnectionOptions adminOptions,
      String gatewayPassword,
      Map<String, String> profileSecrets,
      Consumer<Refusal> refusals) {
    this.gatewayId = gatewayId;
    this.brokerUrl = brokerUrl;
    this.adminOptions = adminOptions;
    this.gatewayPassword = gatewayPassword;
    this.profileSecrets = Map.copyOf(profileSecrets);
    this.refusals = refusals;
  }

  /**
   * Connects as the admin and creates (or updates) this gateway's own client and role and the
   * provisioning profiles' clients and roles, so the gateway's data connection can log in.
   */
  @Override
  public void prepare() throws MqttException {
    if (admin == null) {
      MqttAsyncClient client =
          new MqttAsyncClient(
              brokerUrl,
              "bdt-dynsec-" + gatewayId + "-" + UUID.randomUUID(),
              new MemoryPersistence());
      client.setCallback(new AdminCallback(client));
      adminOptions.setAutomaticReconnect(true);
      adminOptions.setCleanStart(true);
      client.connect(adminOptions).waitForCompletion(WAIT_MILLIS);
      subscribe(client).waitForCompletion(WAIT_MILLIS);
      admin = client;
    }
    List<ObjectNode> commands = new ArrayList<>();
    ClientRole.Gateway self = new ClientRole.Gateway(gatewayId);
    String user = AccessTable.GATEWAY_PREFIX + gatewayId;
    commands.add(DynsecCommands.createRole(self, gatewayId));
    commands.add(DynsecCommands.createClient(user, gatewayPassword, self));
    commands.add(DynsecCommands.setClientPassword(user, gatewayPassword));
    commands.add(DynsecCommands.addClientRole(user, self));
    commands.add(DynsecCommands.enableClient(user));
    profileSecrets.forEach(
        (key, secret) -> {
          ClientRole.Provisioning profile = new ClientRole.Provisioning(key, "+");
          String username = AccessTable.PROVISION_PREFIX + key;
          commands.add(DynsecCommands.createRole(profile, gatewayId));
          commands.addAll(DynsecCommands.provisioningAcls(profile, gatewayId));
          commands.add(DynsecCommands.createClient(username, secret, profile));
          commands.add(DynsecCommands.setClientPassword(username, secret));
          commands.add(DynsecCommands.addClientRole(username, profile));
        });
    run(commands);
  }

  /**
   * Disables every revoked device's client; (re)creates the roles of the others (their clients live
   * in the plugin's file since their {@link #grant}).
   */
  @Override
  public void sync(MqttAsyncClient mqtt, Collection<DeviceRecord> devices) throws MqttException {
    List<ObjectNode> commands = new ArrayList<>();
    for (DeviceRecord device : devices) {
      this.devices.add(device.deviceId());
      if (device.revoked()) {
        revoked.add(device.deviceId());
        commands.addAll(revocation(device.deviceId()));
      } else {
        commands.add(
            DynsecCommands.createRole(
                new ClientRole.Device(device.deviceId(), gatewayId), gatewayId));
      }
    }
    run(commands);
  }

  @Override
  public void grant(MqttAsyncClient mqtt, DeviceRecord device, String deviceSecret)
      throws MqttException {
    ClientRole.Device role = new ClientRole.Device(device.deviceId(), gatewayId);
    devices.add(device.deviceId());
    List<JsonNode> answers =
        run(
            List.of(
                DynsecCommands.createRole(role, gatewayId),
                DynsecCommands.createClient(device.deviceId(), deviceSecret, role)));
    String error = answers.get(1).path("error").asText("");
    if (!error.isEmpty()) {
      // an id is issued once: an existing client of that name is someone else's
      throw new IllegalStateException(
          "Mosquitto refused client " + device.deviceId() + ": " + error);
    }
  }

  @Override
  public void revoke(MqttAsyncClient mqtt, String deviceId) throws MqttException {
    revoked.add(deviceId);
    run(revocation(deviceId));
  }

  /** Disables the device's client (disconnecting it) and takes its role away. */
  private List<ObjectNode> revocation(String deviceId) {
    return List.of(
        DynsecCommands.disableClient(deviceId),
        DynsecCommands.removeClientRole(deviceId, new ClientRole.Device(deviceId, gatewayId)));
  }

  @Override
  public void close() {
    MqttAsyncClient client = admin;
    admin = null;
    if (client != null) {
      try {
        client.disconnect().waitForCompletion(5_000);
        client.close();
      } catch (MqttException e) {
        LOG.debugf("dynsec admin disconnect: %s", e.getMessage());
      }
    }
  }

  /**
   * Sends {@code commands} in one message and returns the plugin's answer to each, in order. Errors
   * that repeat state already there ("already exists", "not found" on disable) are normal for
   * idempotent commands and only logged at debug.
   */
  private List<JsonNode> run(List<ObjectNode> commands) throws MqttException {
    MqttAsyncClient client = admin;
    if (client == null) {
      throw new MqttException(MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED);
    }
    if (commands.isEmpty()) {
      return List.of();
    }
    List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
    ObjectNode message = JSON.createObjectNode();
    var array = message.putArray("commands");
    for (ObjectNode command : commands) {
      String id = UUID.randomUUID().toString();
      CompletableFuture<JsonNode> answer = new CompletableFuture<>();
      pending.put(id, answer);
      answers.add(answer);
      array.add(command.deepCopy().put("correlationData", id));
    }
    try {
      client
          .publish(CONTROL, JSON.writeValueAsBytes(message), 1, false)
          .waitForCompletion(WAIT_MILLIS);
      List<JsonNode> result = new ArrayList<>();
      for (int i = 0; i < answers.size(); i++) {
        JsonNode answer = answers.get(i).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        if (answer.hasNonNull("error")) {
          LOG.debugf(
              "dynsec %s: %s", commands.get(i).path("command").asText(), answer.get("error"));
        }
        result.add(answer);
      }
      return result;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MqttException(MqttClientException.REASON_CODE_CLIENT_TIMEOUT);
    } catch (ExecutionException | TimeoutException e) {
      throw new MqttException(MqttClientException.REASON_CODE_CLIENT_TIMEOUT);
    } finally {
      answers.stream().filter(a -> !a.isDone()).forEach(a -> a.cancel(false));
      pending.values().removeIf(CompletableFuture::isDone);
    }
  }

  private static IMqttToken subscribe(MqttAsyncClient client) throws MqttException {
    return client.subscribe(
        new String[] {RESPONSE, BROKER_LOG, BROKER_ERRORS, DenialsPlugin.REPORT},
        new int[] {1, 0, 0, 1});
  }

  /** A refusal in one line of Mosquitto's log, if the line reports one. */
  static Optional<Refusal> refusalIn(String logLine) {
    if (CERTIFICATE_REFUSED.matcher(logLine).find()) {
      // the error line names no client; the notice line before it gives only its address
      return Optional.of(
          new Refusal(Refusal.Reason.UNTRUSTED_CERTIFICATE, "<unknown>", "", logLine.strip()));
    }
    Matcher m = NOT_AUTHORISED.matcher(logLine);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(
        new Refusal(Refusal.Reason.CONNECT_REFUSED, m.group(1), "", logLine.strip()));
  }

  /**
   * Counts the denials of one {@link DenialsPlugin} report that concern this gateway: its own
   * client's, its devices', provisioning clients' and unlisted ones (no name: every gateway on the
   * broker counts them); another gateway's client or device is that gateway's to count. Each listed
   * entry and each access's unlisted denials make one {@link Refusal} of their count.
   */
  public void countDenials(byte[] report) {
    List<DenialsPlugin.Denial> denials;
    try {
      denials = DenialsPlugin.parse(report);
    } catch (IOException e) {
      LOG.warnf("unreadable denials report: %s", e.getMessage());
      return;
    }
    for (DenialsPlugin.Denial d : denials) {
      String client = d.username().orElse(d.clientId());
      Optional<String> gateway = gatewayOf(d.username());
      if (gateway.isEmpty()) {
        continue;
      }
      refusals.accept(
          new Refusal(
              d.reason(),
              client.isEmpty() ? "<unlisted>" : client,
              gateway.get(),
              d.access().name().toLowerCase(Locale.ROOT) + " " + d.topic(),
              d.count()));
    }
  }

  /**
   * The gateway a denied client belongs to: {@code ""} (every gateway's) for a provisioning client,
   * a client without a username and unlisted denials; empty for another gateway's client or device
   * and for a username no gateway manages.
   */
  private Optional<String> gatewayOf(Optional<String> username) {
    if (username.isEmpty() || username.get().startsWith(AccessTable.PROVISION_PREFIX)) {
      return Optional.of("");
    }
    String name = username.get();
    if (name.startsWith(AccessTable.GATEWAY_PREFIX)) {
      String gateway = name.substring(AccessTable.GATEWAY_PREFIX.length());
      return gateway.equals(gatewayId) ? Optional.of(gateway) : Optional.empty();
    }
    return devices.contains(name) ? Optional.of(gatewayId) : Optional.empty();
  }

  /** The username of the client a log line says was let in, if it says so. */
  static Optional<String> connectedUser(String logLine) {
    Matcher m = CONNECTED.matcher(logLine);
    return m.find() ? Optional.of(m.group(2)) : Optional.empty();
  }

  /**
   * A revoked device of this gateway that Mosquitto let in (a certificate listener does not ask the
   * plugin, so a disabled client's certificate still logs in): counted as {@code revoked-device}
   * and cut off at once by disabling it again, which kicks every connection of that username. Off
   * the callback thread, which must stay free to receive the plugin's answer.
   */
  private void refuseIfRevoked(String username) {
    if (!revoked.contains(username)) {
      return;
    }
    refusals.accept(
        new Refusal(
            Refusal.Reason.REVOKED_DEVICE,
            username,
            gatewayId,
            "revoked device let in on a certificate listener; disconnected"));
    Thread.ofVirtual()
        .name("dynsec-kick-" + username)
        .start(
            () -> {
              try {
                run(List.of(DynsecCommands.disableClient(username)));
              } catch (MqttException | RuntimeException e) {
                LOG.warnf("revoked device %s not disconnected: %s", username, e.getMessage());
              }
            });
  }

  private void answered(byte[] payload) {
    try {
      for (JsonNode answer : JSON.readTree(payload).path("responses")) {
        CompletableFuture<JsonNode> waiting =
            pending.remove(answer.path("correlationData").asText(""));
        if (waiting != null) {
          waiting.complete(answer);
        }
      }
    } catch (IOException e) {
      LOG.warnf("unreadable dynsec response: %s", e.getMessage());
    }
  }

  private final class AdminCallback implements MessageCallback {
    private final MqttAsyncClient client;

    AdminCallback(MqttAsyncClient client) {
      this.client = client;
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      if (RESPONSE.equals(topic)) {
        answered(message.getPayload());
      } else if (DenialsPlugin.REPORT.equals(topic)) {
        countDenials(message.getPayload());
      } else if (BROKER_LOG.equals(topic) || BROKER_ERRORS.equals(topic)) {
        String line = new String(message.getPayload(), StandardCharsets.UTF_8);
        refusalIn(line).ifPresent(refusals);
        connectedUser(line).ifPresent(DynamicSecurityAccess.this::refuseIfRevoked);
      }
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
      if (reconnect) {
        try {
          subscribe(client);
        } catch (MqttException e) {
          LOG.errorf("dynsec admin resubscribe at %s failed: %s", serverURI, e.getMessage());
        }
      }
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      LOG.warnf("dynsec admin connection lost: %s", response.getReasonString());
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
      LOG.warnf("dynsec admin: %s", exception.getMessage());
    }
  }
}
