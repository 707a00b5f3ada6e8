package io.bdt.consensus.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.chain.TransactionPool;
import io.bdt.consensus.pow.Miner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's JSON-RPC methods, gathered from one handler per namespace: {@code web3_}, {@code
 * net_}, {@code eth_} (chain and blocks, state and calls, logs and filters, fees) and {@code bdt_},
 * answered from the chain, the state and the transaction pool.
 */
public final class EthApi {
  private final ChainJson render;
  private final EthLogs logs;
  private final List<RpcNamespace> namespaces;

  /**
   * The methods over {@code chain} and {@code pool}; {@code peers} answers net_peerCount and
   * eth_syncing, {@code evm} runs eth_call and eth_estimateGas under the gas cap and EVM timeout.
   */
  public EthApi(
      Blockchain chain, TransactionPool pool, Optional<Miner> miner, PeerView peers, EvmCalls evm) {
    BlockParameters blocks = new BlockParameters(chain);
    this.render = new ChainJson(chain);
    this.logs = new EthLogs(chain, blocks);
    this.namespaces =
        List.of(
            new Web3Namespace(),
            new NetNamespace(chain.spec(), peers),
            new EthBlocks(chain, pool, miner, peers, blocks, render),
            new EthFees(chain, blocks),
            new EthState(chain, pool, evm, blocks),
            logs,
            new BdtNamespace(chain, miner, blocks));
  }

  /** All methods by name. */
  public Map<String, JsonRpcServer.Method> methods() {
    Map<String, JsonRpcServer.Method> m = new LinkedHashMap<>();
    namespaces.forEach(n -> n.register(m));
    return m;
  }

  /** The JSON-RPC form of the block with header {@code h} (null: JSON null). */
  JsonNode blockJson(BlockHeader h, boolean fullTransactions) {
    return render.blockJson(h, fullTransactions);
  }

  /**
   * Logs matching filter object {@code f}; {@code sinceExclusive} (for filter polling) limits the
   * blocks to those above a number.
   */
  JsonNode logs(JsonNode f, Optional<Long> sinceExclusive) {
    return logs.logs(f, sinceExclusive);
  }
}
