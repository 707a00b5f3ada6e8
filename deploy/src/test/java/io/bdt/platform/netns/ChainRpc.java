package io.bdt.platform.netns;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * What the tests of a chain across hosts (network namespaces, the production overlay) read and send
 * over the nodes' JSON-RPC: heads, agreement on a block, a transfer, receipts.
 */
public final class ChainRpc {
  private ChainRpc() {}

  /** Whether every node's head is at least {@code height} and all have the same block there. */
  public static boolean agreeUpTo(List<Web3j> nodes, long height) {
    try {
      String hash = null;
      for (Web3j n : nodes) {
        if (head(n) < height) {
          return false;
        }
        String h =
            n.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(height)), false)
                .send()
                .getBlock()
                .getHash();
        if (hash != null && !hash.equals(h)) {
          return false;
        }
        hash = h;
      }
      return true;
    } catch (Exception e) {
      return false; // a node not up yet
    }
  }

  /** The node's head block number. */
  public static long head(Web3j n) throws Exception {
    return n.ethBlockNumber().send().getBlockNumber().longValueExact();
  }

  /**
   * Sends 1 wei from {@code from} (its next pending nonce) on chain {@code chainId}; fails the test
   * when the node refuses it. Returns the transaction hash.
   */
  public static String transfer(Web3j node, Credentials from, long chainId) throws Exception {
    BigInteger nonce =
        node.ethGetTransactionCount(from.getAddress(), DefaultBlockParameter.valueOf("pending"))
            .send()
            .getTransactionCount();
    RawTransaction tx =
        RawTransaction.createEtherTransaction(
            chainId,
            nonce,
            BigInteger.valueOf(21_000),
            Keys.toChecksumAddress("0x" + "42".repeat(20)),
            BigInteger.ONE,
            BigInteger.valueOf(1_000_000_000L),
            BigInteger.valueOf(10_000_000_000L));
    byte[] signed = TransactionEncoder.signMessage(tx, chainId, from);
    var sent = node.ethSendRawTransaction(Numeric.toHexString(signed)).send();
    assertThat(sent.getError()).as("eth_sendRawTransaction error").isNull();
    return sent.getTransactionHash();
  }

  /** The receipt of {@code tx} on {@code node}; empty while it has none or does not answer. */
  public static Optional<TransactionReceipt> receipt(Web3j node, String tx) {
    try {
      return node.ethGetTransactionReceipt(tx).send().getTransactionReceipt();
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
