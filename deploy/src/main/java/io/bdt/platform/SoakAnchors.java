package io.bdt.platform;

import io.bdt.contracts.generated.TwinAnchor;
import io.bdt.gateway.anchor.FileAnchorSink;
import io.bdt.gateway.chain.GatewayChain;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.utils.Numeric;

/**
 * The chain outbox's exactly-once, counted after a soak run while the chain still runs: every
 * anchor a gateway emitted (a line of its anchor journal, {@code anchors.jsonl}, which is queued in
 * its chain outbox right after it is written) must be on TwinAnchor exactly once, posted from that
 * gateway's key, and TwinAnchor must hold no anchor of a gateway that its journal does not have.
 */
final class SoakAnchors {

  /**
   * @param emitted anchors in the gateways' journals
   * @param onChain anchors on TwinAnchor posted by the gateways
   * @param missing emitted anchors not on chain
   * @param duplicated extra copies on chain of an emitted anchor (a root posted twice)
   * @param unknown anchors on chain of a gateway whose journal does not have them
   * @param examples a few of each problem
   */
  record Totals(
      long emitted,
      long onChain,
      long missing,
      long duplicated,
      long unknown,
      Map<String, List<String>> examples) {

    static final Totals NONE = new Totals(0, 0, 0, 0, 0, Map.of());

    boolean exactlyOnce() {
      return missing == 0 && duplicated == 0 && unknown == 0;
    }
  }

  private static final StaticGasProvider GAS =
      new StaticGasProvider(BigInteger.ONE, BigInteger.valueOf(1_000_000));

  private SoakAnchors() {}

  /**
   * The anchors of {@code gatewayIds} (their data directories under {@code work}) against chain.
   */
  static Totals count(
      Path work, List<String> gatewayIds, Map<String, String> addresses, int rpcPort, String anchor)
      throws Exception {
    Map<String, List<String>> emitted = journals(work, gatewayIds);
    Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + rpcPort));
    Map<String, Map<String, Integer>> chain = new HashMap<>(); // gateway -> root -> copies
    long onChain = 0;
    try {
      TwinAnchor twinAnchor =
          TwinAnchor.load(
              anchor,
              web3j,
              new ReadonlyTransactionManager(web3j, addresses.get(gatewayIds.getFirst())),
              GAS);
      long count = twinAnchor.anchorCount().send().longValueExact();
      Map<String, String> idOf = new HashMap<>();
      addresses.forEach((id, address) -> idOf.put(address.toLowerCase(Locale.ROOT), id));
      for (long i = 0; i < count; i++) {
        TwinAnchor.Anchor a = twinAnchor.anchorOf(BigInteger.valueOf(i)).send();
        String gw = idOf.getOrDefault(a.gateway.toLowerCase(Locale.ROOT), a.gateway);
        chain
            .computeIfAbsent(gw, k -> new HashMap<>())
            .merge(Numeric.toHexString(a.root), 1, Integer::sum);
        onChain++;
      }
    } finally {
      web3j.shutdown();
    }
    long total = 0;
    long missing = 0;
    long duplicated = 0;
    long unknown = 0;
    Map<String, List<String>> examples = new TreeMap<>();
    for (String gw : gatewayIds) {
      Map<String, Integer> posted = new HashMap<>(chain.getOrDefault(gw, Map.of()));
      for (String root : emitted.get(gw)) {
        total++;
        Integer copies = posted.remove(root);
        if (copies == null) {
          missing++;
          SoakTally.example(examples, "missing", gw + " " + root);
        } else if (copies > 1) {
          duplicated += copies - 1;
          SoakTally.example(examples, "duplicated", gw + " " + root + " x" + copies);
        }
      }
      for (Map.Entry<String, Integer> extra : posted.entrySet()) {
        unknown += extra.getValue();
        SoakTally.example(examples, "unknown", gw + " " + extra.getKey());
      }
    }
    return new Totals(total, onChain, missing, duplicated, unknown, Map.copyOf(examples));
  }

  /** Each gateway's journalled roots, in order. */
  static Map<String, List<String>> journals(Path work, List<String> gatewayIds) throws IOException {
    Map<String, List<String>> out = new HashMap<>();
    for (String gw : gatewayIds) {
      List<String> roots = new ArrayList<>();
      for (FileAnchorSink.Recorded r :
          FileAnchorSink.recorded(work.resolve(gw).resolve(GatewayChain.ANCHORS_FILE))) {
        roots.add(r.root().toLowerCase(Locale.ROOT));
      }
      out.put(gw, roots);
    }
    return out;
  }
}
