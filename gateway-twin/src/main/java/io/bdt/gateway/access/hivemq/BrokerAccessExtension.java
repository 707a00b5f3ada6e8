package io.bdt.gateway.access.hivemq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import io.bdt.gateway.access.AccessCommand;
import io.bdt.gateway.access.AccessTable;
import io.bdt.gateway.access.ClientRole;
import io.bdt.gateway.access.Refusal;
import io.bdt.gateway.access.TopicPolicy;
import io.bdt.pki.PlatformCa;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded HiveMQ CE broker's device identity: authenticates every CONNECT against an {@link
 * AccessTable} (anonymous refused), authorizes every PUBLISH and SUBSCRIBE with {@link
 * TopicPolicy}, applies the gateways' {@link AccessCommand}s (never delivered to anyone),
 * disconnects revoked devices at once, and reports each refusal as JSON on {@link
 * TopicPolicy#REFUSALS} so the gateways count it in their metrics.
 */
public final class BrokerAccessExtension implements ExtensionMain {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROLE = "bdt.role";

  private final AccessTable table;
  private final Map<String, ClientRole> roles = new ConcurrentHashMap<>();
  private final Map<Refusal.Reason, AtomicLong> refused = new EnumMap<>(Refusal.Reason.class);

  public BrokerAccessExtension(AccessTable table) {
    this.table = table;
    for (Refusal.Reason r : Refusal.Reason.values()) {
      refused.put(r, new AtomicLong());
    }
  }

  /** How many refusals of {@code reason} this broker made since it started. */
  public long refusals(Refusal.Reason reason) {
    return refused.get(reason).get();
  }

  @Override
  public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
    Services.securityRegistry().setAuthenticatorProvider(in -> (SimpleAuthenticator) this::connect);
    Services.securityRegistry().setAuthorizerProvider(in -> new Authorizer());
    PublishInboundInterceptor commands = this::command;
    Services.initializerRegistry()
        .setClientInitializer((in, context) -> context.addPublishInboundInterceptor(commands));
    Services.eventRegistry().setClientLifecycleEventListener(in -> new Forget());
  }

  @Override
  public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}

  private void connect(SimpleAuthInput input, SimpleAuthOutput output) {
    String clientId = input.getClientInformation().getClientId();
    Optional<X509Certificate> certificate =
        input
            .getConnectionInformation()
            .getClientTlsInformation()
            .flatMap(tls -> tls.getClientCertificate());
    Optional<String> username = input.getConnectPacket().getUserName();
    Optional<String> password =
        input
            .getConnectPacket()
            .getPassword()
            .map(b -> StandardCharsets.UTF_8.decode(b.duplicate()).toString());
    // PBKDF2 takes tens of milliseconds: off the broker's network threads
    Async<SimpleAuthOutput> async =
        output.async(
            Duration.ofSeconds(20),
            TimeoutFallback.FAILURE,
            ConnackReasonCode.SERVER_BUSY,
            "authentication timed out");
    Services.extensionExecutorService()
        .submit(
            () -> {
              try {
                AccessTable.Authentication decision =
                    certificate.isPresent()
                        ? table.authenticateCertificate(PlatformCa.commonName(certificate.get()))
                        : table.authenticate(username, password, clientId);
                switch (decision) {
                  case AccessTable.Authentication.Accepted ok -> {
                    input
                        .getConnectionInformation()
                        .getConnectionAttributeStore()
                        .put(ROLE, ByteBuffer.wrap(encode(ok.role())));
                    roles.put(clientId, ok.role());
                    output.authenticateSuccessfully();
                  }
                  case AccessTable.Authentication.Refused no -> {
                    report(no.refusal());
                    output.failAuthentication(
                        no.refusal().reason() == Refusal.Reason.ANONYMOUS
                                || no.refusal().reason() == Refusal.Reason.UNKNOWN_CLIENT
                                || no.refusal().reason() == Refusal.Reason.WRONG_SECRET
                            ? ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD
                            : ConnackReasonCode.NOT_AUTHORIZED,
                        no.refusal().reason().tag());
                  }
                }
              } finally {
                async.resume();
              }
            });
  }

  private final class Authorizer implements PublishAuthorizer, SubscriptionAuthorizer {
    @Override
    public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
      String clientId = input.getClientInformation().getClientId();
      String topic = input.getPublishPacket().getTopic();
      ClientRole role = role(input.getConnectionInformation());
      if (role != null && !revoked(role) && TopicPolicy.mayPublish(role, topic)) {
        output.authorizeSuccessfully();
        return;
      }
      report(
          new Refusal(
              TopicPolicy.refusalReason(TopicPolicy.Access.PUBLISH, topic),
              name(clientId, role),
              gatewayOf(role),
              topic));
      output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, "publish to " + topic + " denied");
    }

    @Override
    public void authorizeSubscribe(
        SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
      String clientId = input.getClientInformation().getClientId();
      String filter = input.getSubscription().getTopicFilter();
      ClientRole role = role(input.getConnectionInformation());
      if (role != null && !revoked(role) && TopicPolicy.maySubscribe(role, filter)) {
        output.authorizeSuccessfully();
        return;
      }
      report(
          new Refusal(
              TopicPolicy.refusalReason(TopicPolicy.Access.SUBSCRIBE, filter),
              name(clientId, role),
              gatewayOf(role),
              filter));
      output.failAuthorization(
          SubackReasonCode.NOT_AUTHORIZED, "subscription " + filter + " denied");
    }
  }

  /** Applies a gateway's access command; nobody receives it. */
  private void command(PublishInboundInput input, PublishInboundOutput output) {
    String topic = input.getPublishPacket().getTopic();
    Optional<String> addressed = TopicPolicy.accessTopicGateway(topic);
    if (addressed.isEmpty()) {
      return;
    }
    String clientId = input.getClientInformation().getClientId();
    ClientRole role = role(input.getConnectionInformation());
    String gatewayId = addressed.get();
    if (!(role instanceof ClientRole.Gateway g) || !g.gatewayId().equals(gatewayId)) {
      report(
          new Refusal(
              Refusal.Reason.BAD_ACCESS_COMMAND,
              name(clientId, role),
              gatewayOf(role),
              "access command on " + topic + " from a client that is not that gateway"));
      output.preventPublishDelivery(AckReasonCode.NOT_AUTHORIZED, "not this gateway");
      return;
    }
    try {
      ByteBuffer payload = input.getPublishPacket().getPayload().orElse(ByteBuffer.allocate(0));
      byte[] bytes = new byte[payload.remaining()];
      payload.duplicate().get(bytes);
      for (String deviceId : table.apply(gatewayId, AccessCommand.decode(bytes))) {
        disconnect(deviceId);
      }
      output.preventPublishDelivery(AckReasonCode.SUCCESS);
    } catch (IllegalArgumentException e) {
      report(
          new Refusal(
              Refusal.Reason.BAD_ACCESS_COMMAND, name(clientId, role), gatewayId, e.getMessage()));
      output.preventPublishDelivery(AckReasonCode.PAYLOAD_FORMAT_INVALID, e.getMessage());
    }
  }

  /** Disconnects every client connected as {@code deviceId}. */
  private void disconnect(String deviceId) {
    roles.forEach(
        (clientId, role) -> {
          if (role instanceof ClientRole.Device d && d.deviceId().equals(deviceId)) {
            roles.remove(clientId);
            Services.clientService()
                .disconnectClient(
                    clientId, false, DisconnectReasonCode.NOT_AUTHORIZED, "device revoked");
          }
        });
  }

  /** The role this connection authenticated as, or null. */
  private static ClientRole role(ConnectionInformation connection) {
    return connection
        .getConnectionAttributeStore()
        .get(ROLE)
        .map(b -> decode(StandardCharsets.UTF_8.decode(b.duplicate()).toString()))
        .orElse(null);
  }

  private static byte[] encode(ClientRole role) {
    String text =
        switch (role) {
          case ClientRole.Device d -> "device\n" + d.deviceId() + "\n" + d.gatewayId();
          case ClientRole.Gateway g -> "gateway\n" + g.gatewayId();
          case ClientRole.Provisioning p -> "provisioning\n" + p.profileKey() + "\n" + p.clientId();
        };
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static ClientRole decode(String text) {
    String[] f = text.split("\n", -1);
    return switch (f[0]) {
      case "device" -> new ClientRole.Device(f[1], f[2]);
      case "gateway" -> new ClientRole.Gateway(f[1]);
      case "provisioning" -> new ClientRole.Provisioning(f[1], f[2]);
      default -> null;
    };
  }

  private boolean revoked(ClientRole role) {
    return role instanceof ClientRole.Device d && table.revoked(d.deviceId());
  }

  /**
   * Reports a TLS handshake the broker's TLS layer failed because the client's certificate is not
   * the platform CA's ({@code untrusted-certificate}). HiveMQ CE gives extensions no hook before
   * the CONNECT, so whoever runs the broker feeds this from HiveMQ's own handshake log ({@code
   * io.bdt.platform.HandshakeRefusals} in the platform launcher).
   *
   * @param client the client's address
   */
  public void refuseUntrustedCertificate(String client, String detail) {
    report(new Refusal(Refusal.Reason.UNTRUSTED_CERTIFICATE, client, "", detail));
  }

  private void report(Refusal refusal) {
    refused.get(refusal.reason()).incrementAndGet();
    try {
      byte[] json =
          JSON.writeValueAsBytes(
              Map.of(
                  "reason", refusal.reason().tag(),
                  "client", refusal.client(),
                  "gatewayId", refusal.gatewayId(),
                  "detail", refusal.detail()));
      Services.publishService()
          .publish(
              Builders.publish()
                  .topic(TopicPolicy.REFUSALS)
                  .qos(Qos.AT_LEAST_ONCE)
                  .payload(ByteBuffer.wrap(json))
                  .build());
    } catch (IOException | RuntimeException e) {
      // reporting must never break the broker's decision
    }
  }

  private static String name(String clientId, ClientRole role) {
    return switch (role) {
      case ClientRole.Device d -> d.deviceId();
      case ClientRole.Gateway g -> AccessTable.GATEWAY_PREFIX + g.gatewayId();
      case ClientRole.Provisioning p -> AccessTable.PROVISION_PREFIX + p.profileKey();
      case null -> clientId;
    };
  }

  private static String gatewayOf(ClientRole role) {
    return switch (role) {
      case ClientRole.Device d -> d.gatewayId();
      case ClientRole.Gateway g -> g.gatewayId();
      case ClientRole.Provisioning p -> "";
      case null -> "";
    };
  }

  /** Forgets a client's role when it disconnects. */
  private final class Forget implements ClientLifecycleEventListener {
    @Override
    public void onMqttConnectionStart(ConnectionStartInput input) {}

    @Override
    public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {}

    @Override
    public void onDisconnect(DisconnectEventInput input) {
      // only this connection's entry: a client that took over the id keeps its own
      ClientRole role = role(input.getConnectionInformation());
      if (role != null) {
        roles.remove(input.getClientInformation().getClientId(), role);
      }
    }
  }
}
