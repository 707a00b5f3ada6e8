package io.bdt.consensus.rpc;

import static io.bdt.consensus.rpc.RpcParams.bytes;
import static io.bdt.consensus.rpc.RpcParams.text;

import io.bdt.consensus.block.Keccak;
import java.util.Map;

/** The {@code web3_} methods: client version and Keccak-256. */
final class Web3Namespace implements RpcNamespace {
  /** Client name reported by web3_clientVersion. */
  static final String CLIENT_VERSION = "bdt/v0.1.0/java";

  @Override
  public void register(Map<String, JsonRpcServer.Method> m) {
    m.put("web3_clientVersion", p -> text(CLIENT_VERSION));
    m.put("web3_sha3", p -> text(Keccak.of(bytes(p, 0, "data")).toHexString()));
  }
}
