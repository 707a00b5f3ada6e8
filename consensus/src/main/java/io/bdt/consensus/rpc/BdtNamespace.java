package io.bdt.consensus.rpc;

import static io.bdt.consensus.rpc.RpcParams.hexQ;
import static io.bdt.consensus.rpc.RpcParams.string;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.pow.Miner;
import java.util.Map;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes;

/**
 * The {@code bdt_} methods: the APs' reputation R_m and mining difficulty D_m at a block, and this
 * node's hash rate (hashes/s).
 */
final class BdtNamespace implements RpcNamespace {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final Blockchain chain;
  private final Optional<Miner> miner;
  private final BlockParameters blocks;

  BdtNamespace(Blockchain chain, Optional<Miner> miner, BlockParameters blocks) {
    this.chain = chain;
    this.miner = miner;
    this.blocks = blocks;
  }

  @Override
  public void register(Map<String, JsonRpcServer.Method> m) {
    m.put("bdt_miners", p -> miners());
    m.put("bdt_hashRate", p -> JSON.numberNode(miner.map(Miner::hashRate).orElse(0.0)));
    m.put("bdt_reputation", this::reputation);
  }

  private JsonNode miners() {
    ArrayNode out = JSON.arrayNode();
    BlockHeader head = chain.head();
    for (var ap : chain.spec().accessPoints()) {
      Bytes a = Bytes.fromHexString(ap.address());
      double r = chain.reputation().reputation(a, head);
      ObjectNode o = out.addObject();
      o.put("address", a.toHexString());
      o.put("reputation", r);
      o.put("difficulty", hexQ(chain.spec().difficultyRule().forReputation(r)));
    }
    return out;
  }

  private JsonNode reputation(ArrayNode p) {
    Bytes a = Bytes.fromHexString(string(p, 0, "address"));
    BlockHeader h = p.size() > 1 ? blocks.header(p, 1) : chain.head();
    if (!chain.reputation().inMinerSetAt(a, h)) {
      throw RpcException.invalidParams("address " + a + " is not a registered AP");
    }
    double r = chain.reputation().reputation(a, h);
    ObjectNode o = JSON.objectNode();
    o.put("address", a.toHexString());
    o.put("reputation", r);
    o.put("difficulty", hexQ(chain.spec().difficultyRule().forReputation(r)));
    o.put("blockNumber", hexQ(h.number()));
    return o;
  }
}
