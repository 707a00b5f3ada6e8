package io.bdt.ap;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.ap.chain.MiningShares;
import io.bdt.ap.chain.PlatformChain;
import io.bdt.ap.chain.TestPlatformKeys;
import io.bdt.ap.offload.OffloadLaneTest;
import io.bdt.ap.offload.OffloadResource;
import io.bdt.ap.status.ApStatus;
import io.bdt.ap.status.StatusResource;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole AP (its node mining, the offload and status resources, Prometheus metrics) without the
 * HTTP layer: an offload's {@code X-Bdt-Mining-Share} reconfigures the running node's miner, and
 * bad share headers are refused, counted and change nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveMiningShareTest {
  static final double BUDGET = 2e10;
  static @TempDir Path dir;
  static AccessPoint ap;
  static PrometheusMeterRegistry metrics;
  static byte[] frame;

  record Chain(Path genesis, Path data) implements ApConfig.Chain {
    public String host() {
      return "127.0.0.1";
    }

    public int rpcPort() {
      return 0;
    }

    public int p2pPort() {
      return 0;
    }

    public Optional<String> advertisedHost() {
      return Optional.empty();
    }

    public Optional<Path> tlsCaFile() {
      return Optional.empty();
    }

    public Optional<Path> tlsCertFile() {
      return Optional.empty();
    }

    public Optional<Path> tlsKeyFile() {
      return Optional.empty();
    }

    public Optional<Integer> wsPort() {
      return Optional.empty();
    }

    public Optional<List<String>> peers() {
      return Optional.empty();
    }

    public double miningShare() {
      return 1e10;
    }

    public double miningDecisionTtlSeconds() {
      return 10;
    }

    public double miningShareMinSeconds() {
      return 1;
    }

    public double emptyBlockSeconds() {
      return 2;
    }

    public Optional<String> ledger() {
      return Optional.empty();
    }

    public Optional<List<String>> gateways() {
      return Optional.empty();
    }

    public int receiptBatch() {
      return 20;
    }

    public double submitSeconds() {
      return 60;
    }

    @Override
    public double settleSeconds() {
      return 30;
    }
  }

  record Config(Path modelCache, Chain chain) implements ApConfig {
    public Optional<String> key() {
      return Optional.of(TestPlatformKeys.ap(0).getEcKeyPair().getPrivateKey().toString(16));
    }

    public Optional<Path> keyFile() {
      return Optional.empty();
    }

    public Optional<Path> keyPasswordFile() {
      return Optional.empty();
    }

    public int cores() {
      return 2;
    }

    public int maxQueue() {
      return 8;
    }

    public java.util.List<String> models() {
      return java.util.List.of("vibration");
    }

    public int loadedModels() {
      return 4;
    }

    public int tailSessions() {
      return 64;
    }

    public java.util.List<String> warmModels() {
      return java.util.List.of(); // the test offloads one frame; first-use cost does not matter
    }

    public ApConfig.Coordinator coordinator() {
      return new ApConfig.Coordinator() {
        public double v() {
          return 10;
        }

        public double gatherSeconds() {
          return 0.2;
        }

        public String policy() {
          return "DPRA";
        }

        public long seed() {
          return 1;
        }

        public Optional<List<String>> aps() {
          return Optional.empty();
        }

        public Optional<Path> caFile() {
          return Optional.empty();
        }
      };
    }

    public double gatewayProofWindowSeconds() {
      return 30;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    Path genesis = dir.resolve("genesis.json");
    PlatformChain.genesis(TestPlatformKeys.of(3, 1)).write(genesis);
    metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ap =
        new AccessPoint(
            new Config(dir.resolve("models"), new Chain(genesis, dir.resolve("node"))), metrics);
    ap.start(null);
    frame =
        OffloadLaneTest.headFrame(
            OffloadLaneTest.CUT, new VibrationGenerator(3).next(MachineState.NORMAL).samples());
  }

  @AfterAll
  static void stop() {
    if (ap != null) {
      ap.stop(null);
    }
  }

  static Response offload(String slot, String inference, String mining) {
    return new OffloadResource(ap).serve("0xgw0", frame, "0x01", slot, inference, mining);
  }

  static MiningShare running() {
    return ap.chain().node().miner().orElseThrow().share();
  }

  @Test
  @Order(1)
  void startsMiningWithTheConfiguredShare() throws Exception {
    ApStatus s = new StatusResource(ap).status();

    assertThat(running()).isEqualTo(MiningShares.of(1e10, BUDGET, 2));
    assertThat(s.miningShareInForce()).isEqualTo(1e10);
    assertThat(s.miningShareAppliedAt()).isNull();
    assertThat(s.miningShareChanges()).isZero();
  }

  @Test
  @Order(2)
  void offloadWithANewMiningShareReconfiguresTheRunningMiner() throws Exception {
    Response r = offload("1", "1.6e10", "4.0E9");

    assertThat(r.getStatus()).isEqualTo(200);
    MiningShare expected = MiningShares.of(4e9, BUDGET, 2); // 0.4 cores: 1 thread at duty 0.4
    assertThat(running()).isEqualTo(expected);
    ApStatus s = new StatusResource(ap).status();
    assertThat(s.miningShare()).isEqualTo(4e9);
    assertThat(s.miningShareInForce()).isEqualTo(4e9);
    assertThat(s.miningShareAppliedAt()).isNotNull();
    assertThat(s.miningShareChanges()).isEqualTo(1);
    assertThat(s.miningThreads()).isEqualTo(1);
    assertThat(s.miningDutyCycle()).isEqualTo(expected.dutyCycle());
    assertThat(metrics.scrape()).contains("bdt_ap_mining_share_changes_total 1.0");
    // refusals of the P2P layer are exported (TLS refusals counted in PeerTlsTest)
    assertThat(metrics.scrape())
        .contains("bdt_ap_p2p_tls_refused_total 0.0")
        .contains("bdt_ap_p2p_handshakes_rejected_total");

    // what a gateway deciding slot 1 locally can claim there: its own claim again, and nothing
    // for another (1.6e10 + 4e9 is the whole budget); no slot asked: not said
    assertThat(new StatusResource(ap).status(1L, "0xgw0").slotInferenceAvailable())
        .isEqualTo(1.6e10);
    assertThat(new StatusResource(ap).status(1L, "0xgw9").slotInferenceAvailable()).isZero();
    assertThat(s.slotInferenceAvailable()).isNull();

    // the same decision again, next slot: no reconfiguration
    assertThat(offload("2", "1.6e10", "4.0E9").getStatus()).isEqualTo(200);
    assertThat(new StatusResource(ap).status().miningShareChanges()).isEqualTo(1);
    assertThat(ap.chain().node().miner().orElseThrow().shareChanges()).isEqualTo(1);
  }

  @Test
  @Order(3)
  void badShareHeadersGet400NamingTheHeaderAreCountedAndChangeNothing() throws Exception {
    MiningShare before = running();
    long changes = ap.mining().changes();
    Map<String, String[]> bad =
        Map.of(
            "X-Bdt-Mining-Share: must be a number of Hz",
                new String[] {"NaN", "-1", "2.5e10", "abc", "Infinity", ""},
            "X-Bdt-Inference-Share: must be a number of Hz",
                new String[] {"NaN", "-5", "4e10", "0x12"});
    int sent = 0;
    for (var e : bad.entrySet()) {
      for (String v : e.getValue()) {
        Response r =
            e.getKey().startsWith("X-Bdt-Mining")
                ? offload("3", "1.6e10", v)
                : offload("3", v, "2e9");
        assertThat(r.getStatus()).as(e.getKey() + " '" + v + "'").isEqualTo(400);
        assertThat(((Map<?, ?>) r.getEntity()).get("error").toString()).startsWith(e.getKey());
        sent++;
      }
    }
    Response slot = offload("three", "1.6e10", "2e9");
    assertThat(slot.getStatus()).isEqualTo(400);
    assertThat(((Map<?, ?>) slot.getEntity()).get("error").toString()).startsWith("X-Bdt-Slot:");
    Response sum = offload("3", "1.8e10", "1e10");
    assertThat(sum.getStatus()).isEqualTo(400);
    assertThat(((Map<?, ?>) sum.getEntity()).get("error").toString())
        .startsWith("X-Bdt-Inference-Share + X-Bdt-Mining-Share: 1.8E10 + 1.0E10 Hz exceed");
    sent += 2;

    assertThat(running()).isEqualTo(before);
    assertThat(ap.mining().changes()).isEqualTo(changes);
    assertThat(ap.rejectedShareHeaders()).isEqualTo(sent);
    assertThat(new StatusResource(ap).status().shareHeadersRejected()).isEqualTo(sent);
    assertThat(metrics.scrape()).contains("bdt_ap_share_headers_rejected_total " + sent + ".0");
  }

  @Test
  @Order(4)
  void nodeKeepsMakingBlocksWithTheNewShare() throws Exception {
    long height = ap.chain().height();
    long end = System.nanoTime() + 60_000_000_000L;
    while (ap.chain().height() < height + 2) {
      assertThat(System.nanoTime()).as("waiting for 2 blocks").isLessThan(end);
      Thread.sleep(100);
    }
    assertThat(ap.chain().node().miner().orElseThrow().hashRate()).isPositive();
  }
}
