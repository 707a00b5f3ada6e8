package io.bdt.ap.chain;

import io.bdt.consensus.node.Node;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.web3j.protocol.Service;

/**
 * Web3j's transport to the AP's own chain node, in process: each request goes straight to the
 * node's JSON-RPC handler (same methods, limits and errors as over HTTP) without a socket, so the
 * AP never depends on its loopback port and its calls cannot be starved by remote HTTP clients.
 */
final class InProcessRpc extends Service {
  private final Node node;

  InProcessRpc(Node node) {
    super(false);
    this.node = node;
  }

  @Override
  protected InputStream performIO(String payload) throws IOException {
    String answer = node.rpcCall(payload);
    if (answer == null) {
      throw new IOException("the node sent no answer to " + payload);
    }
    return new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    // the node's life is the AP's, not the transport's
  }
}
