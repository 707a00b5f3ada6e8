package io.bdt.explorer.bench;

import fr.acinq.secp256k1.Secp256k1;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.node.DevNetwork;
import io.bdt.explorer.node.NodeRpc;
import java.io.PrintStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.Sign;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * Fills a dev chain with {@code txs} signed payments from {@code senders} prefunded accounts: all
 * signed up front in libsecp256k1 on every core, then sent in JSON-RPC batches while at most {@link
 * #IN_FLIGHT} wait in the node's pool. Prints its progress every few seconds.
 */
final class ChainFill {
  /** The dev chain's keys, fresh for this run. */
  static final DevNetwork.Keys DEV = DevNetwork.Keys.generate();

  /** Most sent but not yet mined transactions; the node's pool holds 100,000. */
  static final int IN_FLIGHT = 20_000;

  /** Payments per JSON-RPC batch (under the node's 1,000-call limit). */
  static final int BATCH = NodeRpc.MAX_BATCH;

  /** Highest fee per gas a payment offers (wei): far above any base fee the fill reaches. */
  static final BigInteger MAX_FEE = BigInteger.TEN.pow(15);

  private static final Secp256k1 NATIVE = Secp256k1.get();

  private final List<Credentials> senders;
  private final PrintStream progress;

  ChainFill(int senders, PrintStream progress) {
    this.senders =
        IntStream.range(0, senders)
            .mapToObj(
                i ->
                    Credentials.create(
                        Numeric.toHexStringWithPrefixZeroPadded(
                            BigInteger.valueOf(0xBE_4C_0000L + i), 64)))
            .toList();
    this.progress = progress;
  }

  /** The dev chain's genesis with every sender prefunded as the dev account is. */
  ChainSpec spec() {
    ChainSpec dev = DevNetwork.spec(DEV);
    Map<String, BigInteger> alloc = new LinkedHashMap<>(dev.alloc());
    senders.forEach(s -> alloc.put(s.getAddress(), DevNetwork.FUNDS));
    return new ChainSpec(
        dev.chainId(),
        dev.gasLimit(),
        dev.baseFeePerGas(),
        dev.timestamp(),
        dev.difficulty(),
        alloc,
        dev.accessPoints(),
        dev.reputationLedger());
  }

  /** The senders' addresses. */
  List<String> addresses() {
    return senders.stream().map(Credentials::getAddress).toList();
  }

  /** Signs and sends {@code txs} payments, round-robin over the senders; waits until all mined. */
  void fill(NodeRpc node, int txs) throws Exception {
    long start = System.nanoTime();
    String[] raw = new String[txs];
    IntStream.range(0, txs).parallel().forEach(n -> raw[n] = sign(n));
    progress.printf(
        "fill: signed %,d payments from %d senders in %.1f s%n",
        txs, senders.size(), (System.nanoTime() - start) / 1e9);
    long lastReport = System.nanoTime();
    for (int from = 0; from < txs; from += BATCH) {
      List<NodeRpc.Call> calls = new ArrayList<>();
      for (int n = from; n < Math.min(txs, from + BATCH); n++) {
        calls.add(new NodeRpc.Call("eth_sendRawTransaction", raw[n]));
      }
      node.batch(calls); // a refused payment answers an error: batch() throws naming it
      long mined;
      while ((mined = mined(node)) < from + calls.size() - IN_FLIGHT) {
        Thread.sleep(100);
      }
      if (System.nanoTime() - lastReport > 5_000_000_000L) {
        lastReport = System.nanoTime();
        report(from + calls.size(), mined, start);
      }
    }
    long mined;
    while ((mined = mined(node)) < txs) {
      Thread.sleep(200);
      if (System.nanoTime() - lastReport > 5_000_000_000L) {
        lastReport = System.nanoTime();
        report(txs, mined, start);
      }
    }
    report(txs, mined, start);
  }

  private void report(long sent, long mined, long start) {
    double s = (System.nanoTime() - start) / 1e9;
    progress.printf(
        "fill: %,d sent, %,d mined (%.0f tx/s) after %.0f s%n", sent, mined, mined / s, s);
  }

  /** Payments mined so far: the senders' nonces at the head. */
  private long mined(NodeRpc node) throws java.io.IOException {
    List<NodeRpc.Call> calls = new ArrayList<>();
    for (Credentials s : senders) {
      calls.add(new NodeRpc.Call("eth_getTransactionCount", s.getAddress(), "latest"));
    }
    return node.batch(calls).stream().mapToLong(n -> NodeRpc.quantity(n).longValueExact()).sum();
  }

  /** Payment {@code n}: sender n mod S, its nonce n div S, to the next sender. */
  String sign(int n) {
    int s = n % senders.size();
    Credentials from = senders.get(s);
    RawTransaction pay =
        RawTransaction.createEtherTransaction(
            DevNetwork.CHAIN_ID,
            BigInteger.valueOf(n / senders.size()),
            BigInteger.valueOf(21_000),
            senders.get((s + 1) % senders.size()).getAddress(),
            BigInteger.valueOf(1 + n % 1000),
            BigInteger.ONE,
            MAX_FEE);
    byte[] hash = Hash.sha3(TransactionEncoder.encode(pay));
    byte[] key = Numeric.toBytesPadded(from.getEcKeyPair().getPrivateKey(), 32);
    byte[] sig = NATIVE.sign(hash, key);
    byte[] pub = NATIVE.pubkeyCreate(key);
    int recId = Arrays.equals(NATIVE.ecdsaRecover(sig, hash, 0), pub) ? 0 : 1;
    byte[] signed =
        TransactionEncoder.encode(
            pay,
            new Sign.SignatureData(
                (byte) (27 + recId),
                Arrays.copyOfRange(sig, 0, 32),
                Arrays.copyOfRange(sig, 32, 64)));
    if (n < senders.size() && !Arrays.equals(signed, TransactionEncoder.signMessage(pay, from))) {
      // libsecp256k1 and Web3j both sign deterministically (RFC 6979, low s): same bytes
      throw new IllegalStateException("payment " + n + " signed unlike Web3j");
    }
    return Numeric.toHexString(signed);
  }
}
