package io.bdt.platform;

import static io.bdt.platform.PlatformProbe.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.ap.chain.PlatformChain;
import io.bdt.contracts.generated.DeviceRegistry;
import io.bdt.contracts.generated.ReputationLedger;
import io.bdt.contracts.generated.TwinAnchor;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * A running {@link Platform}'s contracts as the end to end tests read and drive them through one AP
 * node's JSON-RPC: the reputation ledger, the twin anchors and the device registry read as a given
 * account, and gateway approvals sent by admins.
 */
final class PlatformContractCalls implements AutoCloseable {
  private final Platform platform;
  private final Web3j web3j;

  /** Talks to AP {@code node}'s chain node. */
  PlatformContractCalls(Platform platform, int node) {
    this.platform = platform;
    this.web3j = Web3j.build(new HttpService("http://127.0.0.1:" + platform.rpcPort(node)));
  }

  /** The reputation ledger, read as {@code from}. */
  ReputationLedger ledger(String from) {
    return ReputationLedger.load(
        platform.contracts().reputationLedger(),
        web3j,
        new ReadonlyTransactionManager(web3j, from),
        new DefaultGasProvider());
  }

  /** Each of {@code admins} approves {@code gateway} on the ledger, one mined transaction each. */
  void approveGateway(Iterable<Credentials> admins, String gateway) throws Exception {
    for (Credentials admin : admins) {
      ReputationLedger.load(
              platform.contracts().reputationLedger(),
              web3j,
              new RawTransactionManager(
                  web3j,
                  admin,
                  PlatformChain.CHAIN_ID,
                  new PollingTransactionReceiptProcessor(web3j, 100, 600)),
              new StaticGasProvider(
                  BigInteger.valueOf(3_000_000_000L), BigInteger.valueOf(8_000_000)))
          .approveGateway(gateway)
          .send();
    }
  }

  /** The twin anchor contract, read as {@code from}. */
  TwinAnchor twinAnchor(String from) {
    return TwinAnchor.load(
        platform.contracts().twinAnchor(),
        web3j,
        new ReadonlyTransactionManager(web3j, from),
        gas());
  }

  /**
   * The id of the anchor whose root is {@code root}, once this node has it (within 60 s); the test
   * fails if that anchor was not posted by {@code gateway}.
   */
  BigInteger anchorWithRoot(TwinAnchor twinAnchor, byte[] root, String gateway) throws Exception {
    BigInteger[] anchorId = new BigInteger[1];
    eventually(
        "the anchor with the proof's root on chain",
        Duration.ofSeconds(60),
        () -> {
          long count = twinAnchor.anchorCount().send().longValueExact();
          for (long i = count - 1; i >= 0 && anchorId[0] == null; i--) {
            var a = twinAnchor.anchorOf(BigInteger.valueOf(i)).send();
            if (Arrays.equals(a.root, root)) {
              assertThat(a.gateway).isEqualToIgnoringCase(gateway);
              anchorId[0] = BigInteger.valueOf(i);
            }
          }
          return anchorId[0] != null;
        });
    return anchorId[0];
  }

  /** Device {@code deviceId}'s entry in the device registry, read as {@code from}. */
  DeviceRegistry.Device device(String from, String deviceId) throws Exception {
    return DeviceRegistry.load(
            platform.contracts().deviceRegistry(),
            web3j,
            new ReadonlyTransactionManager(web3j, from),
            gas())
        .device(Hash.sha3(deviceId.getBytes(StandardCharsets.UTF_8)))
        .send();
  }

  private static StaticGasProvider gas() {
    return new StaticGasProvider(BigInteger.ONE, BigInteger.valueOf(1_000_000));
  }

  @Override
  public void close() {
    web3j.shutdown();
  }
}
