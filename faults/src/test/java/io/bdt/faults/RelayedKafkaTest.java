package io.bdt.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayedKafkaTest {

  @Test
  void clientsReachTheBrokerOnlyWhileTheRelayIsUp() throws Exception {
    int advertised = RelayedKafka.freePort();
    try (RelayedKafka kafka =
        new RelayedKafka(
            "127.0.0.1", advertised, Map.of("num.partitions", "2"), Optional.empty())) {
      assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + advertised);
      assertThat(clusterNodes(kafka)).isEqualTo(1);
      kafka.cut();
      assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), advertised).close())
          .isInstanceOf(ConnectException.class);
      kafka.heal();
      assertThat(clusterNodes(kafka)).isEqualTo(1);
    }
  }

  /** The number of brokers the cluster reports to a client of {@code kafka.bootstrapServers()}. */
  private static int clusterNodes(RelayedKafka kafka) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      return admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).size();
    }
  }
}
