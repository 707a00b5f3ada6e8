package io.bdt.ap.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.ap.receipt.ReceiptBook;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.p2p.PeerTls;
import io.bdt.consensus.rpc.RpcLimits;
import io.bdt.contracts.generated.ReputationLedger;
import io.bdt.contracts.receipt.ServiceReceipt;
import io.bdt.contracts.reputation.CurrentReputation;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * This AP's chain node (the consensus module's {@link Node}, in-process, mining with the AP's
 * mining share and gossiping with the other APs' nodes) and what the AP does on chain: read its
 * reputation and submit the receipts it holds to ReputationLedger.
 */
public final class ApChain implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApChain.class);

  /** Gas price and limit for the AP's transactions: fixed, the dev chain's base fee is 1 gwei. */
  static final StaticGasProvider GAS =
      new StaticGasProvider(BigInteger.valueOf(3_000_000_000L), BigInteger.valueOf(8_000_000));

  private final Node node;
  private final ChainSpec spec;
  private final Credentials credentials;
  private final Web3j web3j;
  private final ObjectMapper json = new ObjectMapper();
  private final Optional<String> ledger;
  private volatile CurrentReputation current;
  private io.bdt.contracts.reputation.SlotClock slotClock;
  private long slotClockAsked = System.nanoTime() - 10_000_000_000L;

  /** Where this process reaches its node's JSON-RPC: loopback when it listens on every address. */
  private final String rpcHost;

  private final java.util.Set<String> knownGateways =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Starts the node, advertising its P2P bind address, with no JSON-RPC WebSocket (tests). */
  public ApChain(
      ChainSpec spec,
      Path data,
      Credentials credentials,
      io.bdt.consensus.pow.MiningShare miningShare,
      Duration emptyBlockInterval,
      InetSocketAddress rpcAddress,
      InetSocketAddress p2pAddress,
      List<URI> peers,
      Optional<String> ledger)
      throws IOException {
    this(
        spec,
        data,
        credentials,
        miningShare,
        emptyBlockInterval,
        rpcAddress,
        p2pAddress,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        peers,
        ledger);
  }

  /**
   * Starts the node; peers are told to dial it at {@code p2pAdvertisedHost} (absent: the bind
   * address, or the host name when binding every address); with {@code p2pTls} the peer protocol
   * runs over mutual TLS; its JSON-RPC WebSocket ({@code eth_subscribe}) on {@code wsAddress}.
   */
  public ApChain(
      ChainSpec spec,
      Path data,
      Credentials credentials,
      io.bdt.consensus.pow.MiningShare miningShare,
      Duration emptyBlockInterval,
      InetSocketAddress rpcAddress,
      InetSocketAddress p2pAddress,
      Optional<String> p2pAdvertisedHost,
      Optional<PeerTls> p2pTls,
      Optional<InetSocketAddress> wsAddress,
      List<URI> peers,
      Optional<String> ledger)
      throws IOException {
    this.spec = spec;
    this.credentials = credentials;
    this.ledger = ledger;
    this.rpcHost =
        rpcAddress.getAddress() == null || rpcAddress.getAddress().isAnyLocalAddress()
            ? "127.0.0.1"
            : rpcAddress.getHostString();
    NodeConfig config =
        nodeConfig(
            java.util.Map.ofEntries(
                java.util.Map.entry("spec", spec),
                java.util.Map.entry("dataDir", data),
                java.util.Map.entry("rpcAddress", rpcAddress),
                java.util.Map.entry("minerKey", Optional.of(credentials.getEcKeyPair())),
                java.util.Map.entry("miningShare", miningShare),
                java.util.Map.entry("emptyBlockInterval", emptyBlockInterval),
                java.util.Map.entry("p2pAddress", Optional.of(p2pAddress)),
                java.util.Map.entry("wsAddress", wsAddress),
                java.util.Map.entry("peers", peers),
                java.util.Map.entry("autoMine", true),
                java.util.Map.entry("rpcLimits", RpcLimits.defaults())));
    config = p2pAdvertisedHost.map(config::withAdvertisedHost).orElse(config);
    this.node = new Node(p2pTls.map(config::withP2pTls).orElse(config));
    // the AP's own calls (receipts, reputation) go to its node in process, not over loopback HTTP
    this.web3j = Web3j.build(new InProcessRpc(node));
  }

  /**
   * The node's configuration from named components; components this class does not know (the
   * consensus module adds optional endpoints over time) are left empty, so the AP keeps building
   * while {@link NodeConfig} grows.
   */
  static NodeConfig nodeConfig(java.util.Map<String, Object> given) {
    java.lang.reflect.RecordComponent[] components = NodeConfig.class.getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      Object v = given.get(components[i].getName());
      if (v == null && types[i] == Optional.class) {
        v = Optional.empty();
      } else if (v == null && types[i] == List.class) {
        v = List.of();
      } else if (v == null) {
        throw new IllegalStateException(
            "NodeConfig." + components[i].getName() + " has no value from the AP");
      }
      args[i] = v;
    }
    try {
      return NodeConfig.class.getDeclaredConstructor(types).newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build the node configuration", e);
    }
  }

  /** The node's JSON-RPC URL. */
  public String rpcUrl() {
    return "http://" + rpcHost + ":" + node.rpcPort();
  }

  /** The node's peer-to-peer URL, for the other APs' {@code peers}. */
  public String p2pUrl() {
    return node.network().map(n -> n.url().toString()).orElse("");
  }

  /** The node. */
  public Node node() {
    return node;
  }

  /** The chain's id. */
  public long chainId() {
    return spec.chainId();
  }

  /** The ledger address, if configured. */
  public Optional<String> ledger() {
    return ledger;
  }

  /** This AP's address. */
  public String address() {
    return credentials.getAddress();
  }

  /** The head block number. */
  public long height() {
    return node.chain().head().number();
  }

  /** One JSON-RPC call to this node; the result node. */
  public JsonNode rpc(String method, Object... params) throws IOException {
    String body =
        json.writeValueAsString(
            java.util.Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params));
    JsonNode tree = json.readTree(node.rpcCall(body));
    if (tree.has("error")) {
      throw new IOException(method + ": " + tree.path("error").path("message").asText());
    }
    return tree.path("result");
  }

  /** {@code R_m} of {@code address} at the head, as the chain computes it (bdt_reputation). */
  public double reputation(String address) throws IOException {
    return rpc("bdt_reputation", address).path("reputation").asDouble();
  }

  /**
   * {@code R_m} of {@code address} as the ledger's rule makes it now ({@link CurrentReputation}:
   * the ledger's record with its open slot and the empty slots since closed up to {@link
   * CurrentReputation#PENDING_SLOTS} slots before the current one). The slot loop's {@code Q_m} and
   * the coordinator's {@code R_m} read this: an AP nobody serves decays slot by slot, where the
   * chain's read stays at its last settled value for the whole receipt window (docs/dpra.md, "The
   * reputation the coordinator reads"). Without a ledger, the chain's {@link #reputation}.
   *
   * @throws IOException when the ledger cannot be read (not deployed yet, node busy)
   */
  public double currentReputation(String address) throws IOException {
    if (ledger.isEmpty()) {
      return reputation(address);
    }
    try {
      if (current == null) {
        current = CurrentReputation.of(web3j, ledger.get());
      }
      return current.read(address);
    } catch (Exception e) {
      throw new IOException("reputation of " + address + " from the ledger: " + e.getMessage(), e);
    }
  }

  /**
   * Submits up to {@code max} held receipts, each co-signed by this AP, in one {@code
   * submitReceipts} transaction and waits for it; on a revert, submits them one by one so one bad
   * receipt does not hold back the others (a refused one is dropped and counted).
   *
   * @return receipts recorded
   */
  public int submit(ReceiptBook book, int max) {
    if (ledger.isEmpty()) {
      return 0;
    }
    List<ReceiptBook.Signed> batch = book.batch(max);
    if (batch.isEmpty()) {
      return 0;
    }
    ReputationLedger contract = contract();
    // the ledger closes slots in order: a batch must not go back in slot
    List<ReceiptBook.Signed> ordered = new ArrayList<>(batch);
    ordered.sort(java.util.Comparator.comparingLong(s -> s.receipt().slot()));
    try {
      var tx =
          contract
              .submitReceipts(
                  ordered.stream().map(s -> s.receipt().toContract()).toList(),
                  ordered.stream().map(ReceiptBook.Signed::signature).toList(),
                  ordered.stream().map(this::coSign).toList())
              .send();
      if (tx.isStatusOK()) {
        book.recorded(ordered);
        return ordered.size();
      }
    } catch (Exception e) {
      LOG.info(
          "batch of {} receipts reverted ({}); submitting one by one",
          ordered.size(),
          e.getMessage());
    }
    int recorded = 0;
    for (ReceiptBook.Signed s : ordered) {
      try {
        ServiceReceipt r = s.receipt();
        var tx = contract.submitReceipt(r.toContract(), s.signature(), coSign(s)).send();
        if (tx.isStatusOK()) {
          book.recorded(List.of(s));
          recorded++;
        } else {
          book.drop(s);
        }
      } catch (Exception e) {
        LOG.warn("receipt {} refused by the ledger: {}", s.receipt(), e.getMessage());
        book.drop(s);
      }
    }
    return recorded;
  }

  /** This AP's co-signature of a receipt it checked against its served tasks. */
  private byte[] coSign(ReceiptBook.Signed s) {
    return s.receipt().sign(spec.chainId(), ledger.orElseThrow(), credentials.getEcKeyPair());
  }

  /**
   * Whether {@code address} is a gateway registered in the ledger (at the head); false without a
   * ledger or when the node cannot answer. Registrations are permanent, so a yes is remembered.
   */
  public boolean isRegisteredGateway(String address) {
    if (ledger.isEmpty()) {
      return false;
    }
    String key = address.toLowerCase();
    if (knownGateways.contains(key)) {
      return true;
    }
    try {
      if (contract().isGateway(key).send()) {
        knownGateways.add(key);
        return true;
      }
    } catch (Exception e) {
      LOG.warn("cannot ask the ledger whether {} is a gateway: {}", key, e.getMessage());
    }
    return false;
  }

  /**
   * Keeper duty: settles, in one transaction, every registered AP whose open slot the receipt
   * window has passed, so idle APs' decay is stored on chain (reads apply it anyway).
   *
   * @return APs settled
   */
  public int settleIdle() throws Exception {
    if (ledger.isEmpty()) {
      return 0;
    }
    ReputationLedger l = contract();
    long current = l.currentSlot().send().longValueExact();
    long horizon = Math.max(0, current - l.maxReceiptAgeSlots().send().longValueExact());
    List<String> behind = new ArrayList<>();
    for (Object ap : l.accessPoints().send()) {
      String a = ap.toString();
      if (l.accessPoint(a).send().openSlot.longValueExact() < horizon) {
        behind.add(a);
      }
    }
    if (!behind.isEmpty()) {
      l.settle(behind).send();
    }
    return behind.size();
  }

  /**
   * The ledger's slot clock, read once the ledger answers (asked again at most every 5 s until
   * then); empty without a ledger or while it cannot be read.
   */
  public synchronized Optional<io.bdt.contracts.reputation.SlotClock> slotClock() {
    long now = System.nanoTime();
    if (slotClock == null && ledger.isPresent() && now - slotClockAsked > 5_000_000_000L) {
      slotClockAsked = now;
      try {
        slotClock = io.bdt.contracts.reputation.SlotClock.read(web3j, ledger.get());
      } catch (Exception e) {
        LOG.debug("cannot read the ledger's slot clock yet: {}", e.getMessage());
      }
    }
    return Optional.ofNullable(slotClock);
  }

  private ReputationLedger contract() {
    return ReputationLedger.load(
        ledger.orElseThrow(),
        web3j,
        new RawTransactionManager(
            web3j,
            credentials,
            spec.chainId(),
            new PollingTransactionReceiptProcessor(web3j, 100, 300)),
        GAS);
  }

  @Override
  public void close() {
    web3j.shutdown();
    node.close();
  }
}
