package io.bdt.consensus.rpc;

import java.util.Map;

/** One group of JSON-RPC methods (a namespace such as {@code net_}, or part of {@code eth_}). */
interface RpcNamespace {
  /** Adds this group's methods, by name, to {@code methods}. */
  void register(Map<String, JsonRpcServer.Method> methods);
}
