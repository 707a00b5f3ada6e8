package io.bdt.gateway.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON commands of Mosquitto 2's dynamic security plugin ({@code $CONTROL/dynamic-security/v1})
 * that turn a {@link ClientRole} into a dynsec role: its ACLs are {@link TopicPolicy}'s filters, so
 * both brokers enforce the same rules. Pure: builds JSON only.
 *
 * <p>Role names: {@code bdt-device-<id>}, {@code bdt-gateway-<id>}, {@code bdt-provision-<key>}.
 */
final class DynsecCommands {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Priority of deny ACLs, above the allow ACLs (priority 0). */
  private static final int DENY_PRIORITY = 10;

  private DynsecCommands() {}

  static String roleName(ClientRole role) {
    return switch (role) {
      case ClientRole.Device d -> "bdt-device-" + d.deviceId();
      case ClientRole.Gateway g -> "bdt-gateway-" + g.gatewayId();
      case ClientRole.Provisioning p -> "bdt-provision-" + p.profileKey();
    };
  }

  /**
   * {@code createRole} with {@code role}'s ACLs: publish ({@code publishClientSend}) and subscribe
   * ({@code subscribePattern}) only on its {@link TopicPolicy} filters. Mosquitto 2.0's ACLs know
   * no {@code %c}, so a provisioning role is one per profile: it may subscribe only to the reply
   * topics of gateways that added themselves to it ({@link #provisioningAcls}), each only by its
   * exact request id (the {@code +} filter itself is refused), and a request id ends in a nonce
   * only the requester and the gateways know ({@link RequestId}).
   */
  static ObjectNode createRole(ClientRole role, String gatewayId) {
    ObjectNode command = command("createRole").put("rolename", roleName(role));
    ArrayNode acls = command.putArray("acls");
    for (String topic : TopicPolicy.publishFilters(role)) {
      acl(acls, "publishClientSend", topic, true, 0);
    }
    if (role instanceof ClientRole.Provisioning) {
      for (String filter : provisioningReplies(gatewayId)) {
        acl(acls, "subscribePattern", filter, true, 0);
      }
      for (String wildcard : provisioningWildcards(gatewayId)) {
        acl(acls, "subscribeLiteral", wildcard, false, DENY_PRIORITY);
      }
    } else {
      for (String filter : TopicPolicy.subscribeFilters(role)) {
        acl(acls, "subscribePattern", filter, true, 0);
      }
    }
    return command;
  }

  /**
   * The commands that add {@code gatewayId}'s replies to an existing provisioning role (another
   * gateway created it): subscribing to one of its replies by exact request id, never to its {@code
   * +}. They also take away the {@code bdt/+/provision/reply/+} pattern roles of earlier versions
   * allowed, which let a client subscribe to the replies of a gateway not yet added (and keep that
   * subscription after it was).
   */
  static List<ObjectNode> provisioningAcls(ClientRole.Provisioning role, String gatewayId) {
    List<ObjectNode> commands = new ArrayList<>();
    commands.add(
        command("removeRoleACL")
            .put("rolename", roleName(role))
            .put("acltype", "subscribePattern")
            .put("topic", TopicPolicy.REPLIES));
    for (String filter : provisioningReplies(gatewayId)) {
      commands.add(addRoleAcl(role, "subscribePattern", filter, true, 0));
    }
    for (String wildcard : provisioningWildcards(gatewayId)) {
      commands.add(addRoleAcl(role, "subscribeLiteral", wildcard, false, DENY_PRIORITY));
    }
    return commands;
  }

  private static ObjectNode addRoleAcl(
      ClientRole role, String type, String topic, boolean allow, int priority) {
    return command("addRoleACL")
        .put("rolename", roleName(role))
        .put("acltype", type)
        .put("topic", topic)
        .put("priority", priority)
        .put("allow", allow);
  }

  /** The reply filters a provisioning client of {@code gatewayId} subscribes within. */
  private static List<String> provisioningReplies(String gatewayId) {
    return List.of(TopicPolicy.replies(gatewayId), TopicPolicy.UNADDRESSED_REPLIES);
  }

  /** The filters reading every reply, refused as such (a literal ACL is checked first). */
  private static List<String> provisioningWildcards(String gatewayId) {
    return List.of(
        TopicPolicy.replies(gatewayId), TopicPolicy.REPLIES, TopicPolicy.UNADDRESSED_REPLIES);
  }

  /** {@code createClient} {@code username} with {@code password} and the role of {@code role}. */
  static ObjectNode createClient(String username, String password, ClientRole role) {
    ObjectNode command =
        command("createClient").put("username", username).put("password", password);
    command.putArray("roles").addObject().put("rolename", roleName(role));
    return command;
  }

  /** {@code setClientPassword} (an existing client's password changes, e.g. a gateway's). */
  static ObjectNode setClientPassword(String username, String password) {
    return command("setClientPassword").put("username", username).put("password", password);
  }

  /** {@code addClientRole}. */
  static ObjectNode addClientRole(String username, ClientRole role) {
    return command("addClientRole").put("username", username).put("rolename", roleName(role));
  }

  /** {@code enableClient}. */
  static ObjectNode enableClient(String username) {
    return command("enableClient").put("username", username);
  }

  /**
   * {@code removeClientRole}: what a revoked device keeps when Mosquitto skips the plugin's login
   * check (certificate listeners: {@code use_identity_as_username}) is a client with no role, which
   * the default ACL refuses every publish and subscribe.
   */
  static ObjectNode removeClientRole(String username, ClientRole role) {
    return command("removeClientRole").put("username", username).put("rolename", roleName(role));
  }

  /** {@code disableClient}: the plugin disconnects every connection of it and refuses it. */
  static ObjectNode disableClient(String username) {
    return command("disableClient").put("username", username);
  }

  private static ObjectNode command(String name) {
    return JSON.createObjectNode().put("command", name);
  }

  private static void acl(ArrayNode acls, String type, String topic, boolean allow, int priority) {
    acls.addObject()
        .put("acltype", type)
        .put("topic", topic)
        .put("priority", priority)
        .put("allow", allow);
  }
}
