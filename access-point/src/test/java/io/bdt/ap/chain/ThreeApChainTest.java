package io.bdt.ap.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.ap.receipt.ReceiptBook;
import io.bdt.ap.receipt.ReceiptMessage;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.contracts.generated.ReputationLedger;
import io.bdt.contracts.receipt.ServiceReceipt;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/** Three APs' nodes form one chain over the consensus module's peer network. */
class ThreeApChainTest {
  @TempDir Path dir;

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  ApChain start(ChainSpec spec, int m, int[] p2p) throws Exception {
    List<URI> peers = new ArrayList<>();
    for (int i = 0; i < p2p.length; i++) {
      if (i != m) {
        peers.add(URI.create("ws://127.0.0.1:" + p2p[i]));
      }
    }
    return new ApChain(
        spec,
        dir.resolve("ap" + m),
        TestPlatformKeys.ap(m),
        MiningShares.of(5e9, 2e10, 2),
        Duration.ofMillis(500),
        new java.net.InetSocketAddress("127.0.0.1", 0),
        new java.net.InetSocketAddress("127.0.0.1", p2p[m]),
        peers,
        Optional.of(PlatformChain.ledgerAddress(TestPlatformKeys.of(0, 0))));
  }

  static void await(String what, Duration limit, BooleanSupplier done) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
      Thread.sleep(100);
    }
  }

  @Test
  void servingApsReputationRisesOnEveryNodeAndARestartedNodeCatchesUp() throws Exception {
    ChainSpec spec = PlatformChain.genesis(TestPlatformKeys.of(3, 1));
    int[] p2p = {freePort(), freePort(), freePort()};
    List<ApChain> aps = new ArrayList<>();
    for (int m = 0; m < 3; m++) {
      aps.add(start(spec, m, p2p));
    }
    try {
      Web3j web3j = Web3j.build(new HttpService(aps.get(0).rpcUrl()));
      PlatformChain.Contracts contracts =
          NetworkContracts.deployPlatform(web3j, TestPlatformKeys.of(3, 1), System.out);
      assertThat(contracts.reputationLedger())
          .isEqualToIgnoringCase(PlatformChain.ledgerAddress(TestPlatformKeys.of(0, 0)));

      ApChain serving = aps.get(0);
      ReceiptBook book =
          new ReceiptBook(
              serving.address(),
              PlatformChain.CHAIN_ID,
              contracts.reputationLedger(),
              serving::isRegisteredGateway);
      String gateway = TestPlatformKeys.gateway(0).getAddress();
      // slots on the ledger's clock (chain time), as a gateway numbers them
      long now =
          ReputationLedger.load(
                  contracts.reputationLedger(),
                  web3j,
                  new org.web3j.tx.ReadonlyTransactionManager(web3j, gateway),
                  new org.web3j.tx.gas.DefaultGasProvider())
              .currentSlot()
              .send()
              .longValueExact();
      for (long slot = now; slot <= now + 2; slot++) {
        ServiceReceipt r =
            new ServiceReceipt(
                Hash.sha3(("task-" + slot).getBytes(StandardCharsets.UTF_8)),
                serving.address(),
                gateway,
                java.math.BigInteger.valueOf(PlatformChain.PARAMETERS.ledgerCapacityFlops()),
                2_000,
                slot);
        book.served(Numeric.toHexString(r.taskId()), gateway, r.flopsServed().longValueExact());
        byte[] sig =
            r.sign(
                PlatformChain.CHAIN_ID,
                contracts.reputationLedger(),
                TestPlatformKeys.gateway(0).getEcKeyPair());
        book.accept(
            new ReceiptMessage(
                Numeric.toHexString(r.taskId()),
                r.ap(),
                r.flopsServed().toString(),
                r.latencyMicros(),
                slot,
                gateway,
                Numeric.toHexString(sig)));
      }
      assertThat(serving.submit(book, 10)).isEqualTo(3);
      assertThat(book.pendingCount()).isZero();
      web3j.shutdown();

      // the last slot is still open (it closes with the next receipt, or when the receipt window
      // has passed it): R = 1 - 0.9^2
      double expected = 1 - 0.9 * 0.9;
      for (ApChain ap : aps) {
        await(
            "reputation on " + ap.address(),
            Duration.ofSeconds(60),
            () -> {
              try {
                return ap.reputation(serving.address()) >= expected - 1e-9;
              } catch (Exception e) {
                return false;
              }
            });
      }
      assertThat(aps.get(1).reputation(aps.get(2).address())).isZero();

      // AP 2 stops; the others keep mining; on restart it catches up from its peers
      aps.get(2).close();
      long heightWhenStopped = aps.get(0).height();
      await(
          "two more blocks",
          Duration.ofSeconds(60),
          () -> aps.get(0).height() >= heightWhenStopped + 2);
      aps.set(2, start(spec, 2, p2p));
      long target = aps.get(0).height();
      await("AP 2 to catch up", Duration.ofSeconds(60), () -> aps.get(2).height() >= target);
      // (the window may have closed the last slot and begun the idle decay meanwhile)
      assertThat(aps.get(2).reputation(serving.address())).isPositive();
    } finally {
      aps.forEach(ApChain::close);
    }
  }
}
