package io.bdt.gateway.chain;

import io.bdt.contracts.generated.DeviceRegistry;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.FileDeviceLedger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Follows DeviceRegistry's {@code DeviceRevoked} events on the gateway's chain node and hands every
 * revocation of one of this gateway's devices that its own ledger does not know yet (made on chain
 * by another registered gateway or DeviceRegistry's admin, by another process holding the gateway's
 * account, or by a second instance of this gateway) to the broker at once: the local record is
 * marked revoked, then {@code onRevoked} runs (the broker disconnects the device and refuses it
 * from then on).
 *
 * <p>It polls the node's head every {@code period} (seconds, typically 0.2) and reads the logs of
 * the new blocks with {@code eth_getLogs}; at start it reads every block from genesis in chunks of
 * {@value #CHUNK} (the node checks each block's bloom first), so revocations made while the gateway
 * was down are applied before new ones.
 */
public final class RevocationWatch implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RevocationWatch.class);

  /** Blocks one {@code eth_getLogs} asks for (the node's limit is 10,000). */
  static final long CHUNK = 5_000;

  private static final String TOPIC = EventEncoder.encode(DeviceRegistry.DEVICEREVOKED_EVENT);

  private final Web3j web3j;
  private final String registry;
  private final FileDeviceLedger journal;
  private final Consumer<String> onRevoked;
  private final Duration period;
  private final Counter applied;
  private final Timer toBroker;
  private final Map<String, String> idsByChainId = new HashMap<>();
  private ScheduledExecutorService poller;
  private long nextBlock;

  /**
   * @param registry DeviceRegistry's address
   * @param journal this gateway's local device records
   * @param onRevoked tells the broker that a device id is revoked; returns once the broker has it
   */
  public RevocationWatch(
      Web3j web3j,
      String registry,
      FileDeviceLedger journal,
      Consumer<String> onRevoked,
      Duration period,
      MeterRegistry meters) {
    this.web3j = web3j;
    this.registry = registry;
    this.journal = journal;
    this.onRevoked = onRevoked;
    this.period = period;
    this.applied =
        Counter.builder("bdt.device.revocations.from.chain")
            .description(
                "revocations of this gateway's devices first seen in DeviceRegistry's logs")
            .register(meters);
    this.toBroker =
        Timer.builder("bdt.device.revocation.to.broker")
            .description(
                "from finding a DeviceRevoked event in a new block to the broker confirming the"
                    + " device is disconnected and refused")
            .register(meters);
  }

  /** Starts polling on a daemon thread of its own. */
  public synchronized void start() {
    if (poller != null) {
      return;
    }
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("bdt-revocation-watch").unstarted(r));
    poller.scheduleWithFixedDelay(
        this::pollQuietly, 0, Math.max(1, period.toMillis()), TimeUnit.MILLISECONDS);
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (IOException | RuntimeException e) {
      LOG.debugf("DeviceRegistry logs unavailable (%s); trying again", e.getMessage());
    }
  }

  /** Reads the blocks since the last poll and applies their revocations (one thread only). */
  void poll() throws IOException {
    long head = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    while (nextBlock <= head) {
      long to = Math.min(head, nextBlock + CHUNK - 1);
      EthFilter filter =
          new EthFilter(
                  DefaultBlockParameter.valueOf(BigInteger.valueOf(nextBlock)),
                  DefaultBlockParameter.valueOf(BigInteger.valueOf(to)),
                  registry)
              .addSingleTopic(TOPIC);
      EthLog answer = web3j.ethGetLogs(filter).send();
      if (answer.hasError()) {
        throw new IOException("eth_getLogs: " + answer.getError().getMessage());
      }
      for (EthLog.LogResult<?> result : answer.getLogs()) {
        if (result.get() instanceof Log log && !log.isRemoved()) {
          revoked(log);
        }
      }
      nextBlock = to + 1;
    }
  }

  private void revoked(Log log) {
    List<String> topics = log.getTopics();
    if (topics.size() < 2) {
      return;
    }
    String deviceId = localId(topics.get(1));
    if (deviceId == null) {
      return; // not one of this gateway's devices
    }
    DeviceRecord record = journal.find(deviceId).orElseThrow();
    if (record.revoked()) {
      return; // revoked here first (REST): the broker knows already
    }
    long started = System.nanoTime();
    journal.revoke(deviceId);
    onRevoked.accept(deviceId);
    toBroker.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    applied.increment();
    LOG.infof(
        "device %s revoked on chain by %s (block %s): disconnected at the broker",
        deviceId, revokedBy(topics), log.getBlockNumber());
  }

  /** The revoking account the event names (0x address), or "?" for a log without it. */
  private static String revokedBy(List<String> topics) {
    return topics.size() < 4 ? "?" : "0x" + topics.get(3).substring(topics.get(3).length() - 40);
  }

  /** The local device id whose keccak256 is {@code chainId} (0x hex), or null. */
  private String localId(String chainId) {
    String key = chainId.toLowerCase(java.util.Locale.ROOT);
    String id = idsByChainId.get(key);
    if (id == null) {
      for (DeviceRecord d : journal.all()) {
        idsByChainId.computeIfAbsent(
            Numeric.toHexString(ChainDeviceLedger.chainDeviceId(d.deviceId())), k -> d.deviceId());
      }
      id = idsByChainId.get(key);
    }
    return id;
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
      poller = null;
    }
  }
}
