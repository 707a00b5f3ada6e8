package io.bdt.consensus.rpc;

import static io.bdt.consensus.rpc.RpcParams.hexQ;
import static io.bdt.consensus.rpc.RpcParams.quantity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.block.Receipt;
import io.bdt.consensus.chain.BaseFee;
import io.bdt.consensus.chain.Blockchain;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.web3j.utils.Numeric;

/**
 * The {@code eth_} fee methods (wei per gas): the suggested gas price (next base fee plus {@link
 * #PRIORITY_FEE}), the suggested tip, and {@code eth_feeHistory} (base fees, gas used ratios, tip
 * percentiles weighted by gas as geth computes them).
 */
final class EthFees implements RpcNamespace {
  /** Suggested priority fee (wei per gas). */
  static final BigInteger PRIORITY_FEE = BigInteger.valueOf(1_000_000_000L);

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final Blockchain chain;
  private final BlockParameters blocks;

  EthFees(Blockchain chain, BlockParameters blocks) {
    this.chain = chain;
    this.blocks = blocks;
  }

  @Override
  public void register(Map<String, JsonRpcServer.Method> m) {
    m.put("eth_gasPrice", p -> quantity(BaseFee.next(chain.head()).add(PRIORITY_FEE)));
    m.put("eth_maxPriorityFeePerGas", p -> quantity(PRIORITY_FEE));
    m.put("eth_feeHistory", this::feeHistory);
  }

  private JsonNode feeHistory(ArrayNode p) {
    long count = Numeric.toBigInt(p.path(0).asText("0x1")).longValueExact();
    if (p.path(0).isNumber()) {
      count = p.path(0).asLong();
    }
    count = Math.max(1, Math.min(count, 1024));
    BlockHeader newest = blocks.existing(p, 1);
    long oldest = Math.max(0, newest.number() - count + 1);
    List<Double> percentiles = new ArrayList<>();
    p.path(2).forEach(x -> percentiles.add(x.asDouble()));
    ObjectNode o = JSON.objectNode();
    o.put("oldestBlock", hexQ(oldest));
    ArrayNode baseFees = o.putArray("baseFeePerGas");
    ArrayNode ratios = o.putArray("gasUsedRatio");
    ArrayNode rewards = percentiles.isEmpty() ? null : o.putArray("reward");
    for (long n = oldest; n <= newest.number(); n++) {
      Block b = chain.blockByNumber(n).orElseThrow();
      BlockHeader h = b.header();
      baseFees.add(hexQ(h.baseFee()));
      ratios.add((double) h.gasUsed() / h.gasLimit());
      if (rewards != null) {
        rewards.add(rewardPercentiles(b, percentiles));
      }
    }
    baseFees.add(hexQ(BaseFee.next(newest)));
    return o;
  }

  /** Tips paid in {@code b} at each percentile of gas used (as geth computes them). */
  private ArrayNode rewardPercentiles(Block b, List<Double> percentiles) {
    ArrayNode out = JSON.arrayNode();
    List<Receipt> receipts = chain.receipts(b.hash());
    List<long[]> tipsByGas = new ArrayList<>();
    for (int i = 0; i < b.transactions().size(); i++) {
      BigInteger tip = b.transactions().get(i).fee().minerTip(b.header().baseFee());
      tipsByGas.add(new long[] {tip.longValue(), receipts.get(i).gasUsed()});
    }
    tipsByGas.sort((x, y) -> Long.compare(x[0], y[0]));
    for (double pct : percentiles) {
      if (tipsByGas.isEmpty()) {
        out.add("0x0");
        continue;
      }
      double threshold = b.header().gasUsed() * pct / 100;
      long sum = 0;
      long tip = tipsByGas.get(tipsByGas.size() - 1)[0];
      for (long[] t : tipsByGas) {
        sum += t[1];
        if (sum >= threshold) {
          tip = t[0];
          break;
        }
      }
      out.add(hexQ(tip));
    }
    return out;
  }
}
