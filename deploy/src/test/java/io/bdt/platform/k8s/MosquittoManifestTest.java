package io.bdt.platform.k8s;

import static io.bdt.platform.k8s.Manifests.K8S;
import static io.bdt.platform.k8s.Manifests.container;
import static io.bdt.platform.k8s.Manifests.listeners;
import static io.bdt.platform.k8s.Manifests.mosquittoConf;
import static io.bdt.platform.k8s.Manifests.port;
import static io.bdt.platform.k8s.Manifests.render;
import static io.bdt.platform.k8s.Manifests.secretMountedAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests' Mosquitto: gateways manage it through dynamic security with passwords
 * from Secret files, it serves MQTT only over TLS with the certificate from the TLS Secret, and its
 * certificate listener checks the CA's revocation list from its own Secret. No cluster needed:
 * {@code kubectl kustomize} renders.
 */
@Timeout(120)
class MosquittoManifestTest {
  @BeforeAll
  static void kubectlIsHere() {
    Manifests.kubectlIsHere();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void gatewaysManageMosquittoThroughDynamicSecurityWithPasswordsFromSecretFiles(String overlay)
      throws Exception {
    RenderedOverlay o = render(overlay);
    Map<String, String> env = o.environment(container(o, "gateway"));
    assertThat(env).containsEntry("BDT_GATEWAY_MQTT_ACCESS", "dynamic-security");
    // over TLS only, checking the broker's certificate against the network's CA
    assertThat(env.get("BDT_GATEWAY_MQTT_URL")).isEqualTo("ssl://mosquitto:8883");
    assertThat(secretMountedAt(o.statefulSet("gateway"), env.get("BDT_GATEWAY_MQTT_CA_FILE")))
        .isEqualTo("bdt-tls");
    // the admin the plugin file is initialised with (mosquitto's dynsec-init reads the same Secret)
    assertThat(env).containsEntry("BDT_GATEWAY_MQTT_ADMIN_USERNAME", "bdt-admin");
    assertThat(Files.readString(K8S.resolve("new-network.sh")))
        .contains("printf 'bdt-admin' > \"$work/username\"");
    String admin = env.get("BDT_GATEWAY_MQTT_ADMIN_PASSWORD_FILE");
    assertThat(secretMountedAt(o.statefulSet("gateway"), admin)).isEqualTo("mosquitto-admin");
    assertThat(admin).endsWith("/password");
    String own = env.get("BDT_GATEWAY_MQTT_PASSWORD_FILE");
    assertThat(own).endsWith("/$(POD_NAME).mqtt-password");
    assertThat(secretMountedAt(o.statefulSet("gateway"), own.replace("$(POD_NAME)", "gateway-0")))
        .isEqualTo("gateway-keys");
    assertThat(Files.readString(K8S.resolve("new-network.sh")))
        .contains("--from-file=gateway-$i.mqtt-password=");
    // no password travels as a plain environment value
    assertThat(env)
        .doesNotContainKeys("BDT_GATEWAY_MQTT_PASSWORD", "BDT_GATEWAY_MQTT_ADMIN_PASSWORD");
    // the broker runs the plugin and refuses anonymous clients
    String conf = Files.readString(K8S.resolve("base/mosquitto.conf"));
    assertThat(conf)
        .contains("allow_anonymous false")
        .contains("plugin /usr/lib/mosquitto_dynamic_security.so")
        .contains("log_dest topic");
    // B-DT's denials plugin: off with the stock image (which lacks it and would not start), its
    // line ready after dynsec's (asked only for what dynsec did not allow)
    assertThat(conf).doesNotContain("\nplugin /usr/lib/mosquitto_bdt_denials.so\n");
    assertThat(conf.indexOf("\n# plugin /usr/lib/mosquitto_bdt_denials.so\n"))
        .isGreaterThan(conf.indexOf("\nplugin /usr/lib/mosquitto_dynamic_security.so\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void mosquittoServesMqttOnlyOverTlsWithTheCertificateFromTheTlsSecret(String overlay)
      throws Exception {
    RenderedOverlay o = render(overlay);
    StatefulSet broker = o.statefulSet("mosquitto");
    Container c = broker.getSpec().getTemplate().getSpec().getContainers().getFirst();
    String conf = mosquittoConf(o);
    Map<Integer, Map<String, String>> listeners = listeners(conf);
    // no plain-text listener: 8883 for passwords, 8884 for client certificates
    assertThat(listeners).containsOnlyKeys(8883, 8884);
    for (var listener : listeners.entrySet()) {
      Map<String, String> settings = listener.getValue();
      for (String file : List.of("cafile", "certfile", "keyfile")) {
        assertThat(settings).as(listener.getKey() + " " + file).containsKey(file);
        assertThat(secretMountedAt(broker, settings.get(file)))
            .as(listener.getKey() + " " + file)
            .isEqualTo("bdt-tls");
      }
      assertThat(Path.of(settings.get("cafile")).getFileName()).hasToString("ca.pem");
      assertThat(Path.of(settings.get("keyfile")).getFileName()).hasToString("server-key.pem");
    }
    assertThat(listeners.get(8883)).doesNotContainKey("require_certificate");
    assertThat(listeners.get(8884))
        .containsEntry("require_certificate", "true")
        .containsEntry("use_identity_as_username", "true");
    assertThat(port(c, "mqtts")).isEqualTo(8883);
    assertThat(port(c, "mqtts-cert")).isEqualTo(8884);
    assertThat(o.service("mosquitto").getSpec().getPorts().stream().map(ServicePort::getPort))
        .containsExactlyInAnyOrder(8883, 8884);
    // the gateways dial the Service by name and verify it: the certificate must name it
    assertThat(Files.readString(K8S.resolve("new-network.sh"))).contains(",DNS:mosquitto\"");
    assertThat(conf).contains("log_dest topic");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void mosquittosCertificateListenerChecksTheCasRevocationListFromItsOwnSecret(String overlay)
      throws Exception {
    RenderedOverlay o = render(overlay);
    StatefulSet broker = o.statefulSet("mosquitto");
    String conf = mosquittoConf(o);
    String crl = listeners(conf).get(8884).get("crlfile");
    assertThat(crl).as("8884 crlfile").isNotNull();
    assertThat(secretMountedAt(broker, crl)).isEqualTo("mosquitto-crl");
    // a whole-directory mount: the kubelet replaces the file atomically (never a subPath, which
    // would never see a new CRL, nor a half-written one Mosquitto would drop the CRL for)
    Container c = broker.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(c.getVolumeMounts())
        .filteredOn(m -> crl.startsWith(m.getMountPath() + "/"))
        .singleElement()
        .satisfies(m -> assertThat(m.getSubPath()).isNull());
    // new-network.sh signs the first (empty) list with the network's CA before the Secret is made
    assertThat(Files.readString(K8S.resolve("new-network.sh")))
        .contains("pki sign-crl --ca-dir \"$overlay/secrets/tls\"")
        .contains("create secret generic mosquitto-crl --from-file=crl.pem=");
    assertThat(listeners(conf).get(8883)).doesNotContainKey("crlfile");
  }
}
