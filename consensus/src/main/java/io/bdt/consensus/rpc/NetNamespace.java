package io.bdt.consensus.rpc;

import static io.bdt.consensus.rpc.RpcParams.quantity;
import static io.bdt.consensus.rpc.RpcParams.text;

import com.fasterxml.jackson.databind.node.BooleanNode;
import io.bdt.consensus.chain.ChainSpec;
import java.util.Map;

/** The {@code net_} methods: network id (the chain id), listening, and the linked peer count. */
final class NetNamespace implements RpcNamespace {
  private final ChainSpec spec;
  private final PeerView peers;

  NetNamespace(ChainSpec spec, PeerView peers) {
    this.spec = spec;
    this.peers = peers;
  }

  @Override
  public void register(Map<String, JsonRpcServer.Method> m) {
    m.put("net_version", p -> text(Long.toString(spec.chainId())));
    m.put("net_listening", p -> BooleanNode.TRUE);
    m.put("net_peerCount", p -> quantity(peers.peerCount()));
  }
}
