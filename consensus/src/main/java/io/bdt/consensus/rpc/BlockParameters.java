package io.bdt.consensus.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.chain.Blockchain;
import org.apache.tuweni.bytes.Bytes32;
import org.web3j.utils.Numeric;

/**
 * Resolves a block parameter (a tag, a hex number, or an EIP-1898 {@code {blockHash}} / {@code
 * {blockNumber}} object) to a canonical header. {@code latest}, {@code safe}, {@code finalized} and
 * {@code pending} name the head here: PoW has no finality gadget, and the pending state is built by
 * the methods that read it.
 */
final class BlockParameters {
  private final Blockchain chain;

  BlockParameters(Blockchain chain) {
    this.chain = chain;
  }

  /** The header the block parameter at {@code index} names, or null if there is none. */
  BlockHeader header(ArrayNode p, int index) {
    JsonNode tag = p.path(index);
    if (tag.isObject() && tag.hasNonNull("blockHash")) {
      return chain
          .store()
          .header(Bytes32.fromHexString(tag.get("blockHash").asText()))
          .orElse(null);
    }
    if (tag.isObject() && tag.hasNonNull("blockNumber")) {
      tag = tag.get("blockNumber");
    }
    BlockHeader head = chain.head();
    long n = number(tag);
    if (n == head.number()) {
      return head;
    }
    // the header alone: reading the block would decode every transaction in it
    return chain.canonicalHash(n).flatMap(chain.store()::header).orElse(null);
  }

  /** Like {@link #header}, but a block that does not exist is a {@code -32000} error. */
  BlockHeader existing(ArrayNode p, int index) {
    BlockHeader h = header(p, index);
    if (h == null) {
      throw new RpcException(RpcException.SERVER_ERROR, "header not found");
    }
    return h;
  }

  /** The block number a tag or hex number names (missing: the head). */
  long number(JsonNode tag) {
    if (tag.isMissingNode() || tag.isNull()) {
      return chain.head().number();
    }
    String t = tag.asText();
    return switch (t) {
      case "latest", "pending", "safe", "finalized" -> chain.head().number();
      case "earliest" -> 0;
      default -> {
        if (!t.startsWith("0x")) {
          throw RpcException.invalidParams("block: expected a tag or 0x-prefixed number, got " + t);
        }
        yield Numeric.toBigInt(t).longValueExact();
      }
    };
  }
}
