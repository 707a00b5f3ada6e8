package io.bdt.consensus.rpc;

import static io.bdt.consensus.rpc.RpcParams.address;
import static io.bdt.consensus.rpc.RpcParams.hexQ;
import static io.bdt.consensus.rpc.RpcParams.isPending;
import static io.bdt.consensus.rpc.RpcParams.quantity;
import static io.bdt.consensus.rpc.RpcParams.string;
import static io.bdt.consensus.rpc.RpcParams.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.chain.PendingState;
import io.bdt.consensus.chain.TransactionPool;
import io.bdt.consensus.evm.BlockEnvironment;
import io.bdt.consensus.evm.RevertReason;
import io.bdt.consensus.evm.TransactionProcessor;
import io.horizen.evm.Address;
import io.horizen.evm.Hash;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.tuweni.bytes.Bytes;
import org.web3j.utils.Numeric;

/**
 * The {@code eth_} methods that read account state at a block or in the pending block: balances,
 * code, storage, nonces, proofs, {@code eth_call} and {@code eth_estimateGas}. Every read opens a
 * state snapshot of its own, never the lock block import takes; EVM runs go through {@link
 * EvmCalls} (gas cap, EVM timeout).
 */
final class EthState implements RpcNamespace {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final Blockchain chain;
  private final TransactionPool pool;
  private final PendingState pending;
  private final EvmCalls evm;
  private final BlockParameters blocks;

  EthState(Blockchain chain, TransactionPool pool, EvmCalls evm, BlockParameters blocks) {
    this.chain = chain;
    this.pool = pool;
    this.evm = evm;
    this.blocks = blocks;
    this.pending = new PendingState(chain, pool, Clock.systemUTC());
  }

  @Override
  public void register(Map<String, JsonRpcServer.Method> m) {
    m.put("eth_getTransactionCount", this::transactionCount);
    m.put("eth_getBalance", p -> quantity(atState(p, 1, s -> s.getBalance(address(p, 0)))));
    m.put(
        "eth_getCode",
        p ->
            text(
                Bytes.wrap(this.<byte[]>atState(p, 1, s -> orEmpty(s.getCode(address(p, 0)))))
                    .toHexString()));
    m.put("eth_getStorageAt", this::storageAt);
    m.put("eth_call", this::call);
    m.put("eth_estimateGas", this::estimateGas);
    m.put("eth_getProof", this::proof);
  }

  private static byte[] orEmpty(byte[] b) {
    return b == null ? new byte[0] : b;
  }

  private JsonNode transactionCount(ArrayNode p) {
    Address a = address(p, 0);
    if (isPending(p, 1)) {
      // the pool's whole run of consecutive nonces, not one block's worth: a wallet sending its
      // next transaction needs the nonce after every one it has waiting
      long stateNonce =
          chain.states().snapshot(chain.head().stateRoot(), s -> s.getNonce(a)).longValueExact();
      return quantity(pool.nextNonce(Bytes.wrap(a.toBytes()), stateNonce));
    }
    return quantity(atState(p, 1, s -> s.getNonce(a)).longValueExact());
  }

  private JsonNode storageAt(ArrayNode p) {
    Address a = address(p, 0);
    BigInteger slot = Numeric.toBigInt(string(p, 1, "slot"));
    Hash key = new Hash(Numeric.toBytesPadded(slot, 32));
    byte[] value = atState(p, 2, s -> s.getStorage(a, key).toBytes());
    return text(Bytes.wrap(value).toHexString());
  }

  private <T> T atState(ArrayNode p, int tagIndex, Function<io.horizen.evm.StateDB, T> read) {
    if (isPending(p, tagIndex)) {
      return pending.read((s, env) -> read.apply(s));
    }
    BlockHeader h = blocks.existing(p, tagIndex);
    return chain.states().snapshot(h.stateRoot(), read);
  }

  private JsonNode call(ArrayNode p) {
    TransactionProcessor.CallResult r = runCall(p, -1);
    if (!r.success()) {
      throw failure(r);
    }
    return text(r.returnData().toHexString());
  }

  private JsonNode estimateGas(ArrayNode p) {
    long cap = Math.min(chain.spec().gasLimit(), evm.limits().gasCap());
    if (p.path(0).hasNonNull("gas")) {
      long asked = gasField(p.path(0));
      evm.checkGas(asked);
      cap = Math.min(cap, asked);
    }
    TransactionProcessor.CallResult first = runCall(p, cap);
    if (!first.success()) {
      throw failure(first);
    }
    long lo = first.gasUsed() - 1;
    long hi = cap;
    if (runCall(p, first.gasUsed()).success()) {
      return quantity(first.gasUsed());
    }
    while (hi - lo > 1) {
      long mid = (lo + hi) >>> 1;
      if (runCall(p, mid).success()) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return quantity(hi);
  }

  private static RpcException failure(TransactionProcessor.CallResult r) {
    if (r.error().contains("reverted")) {
      String reason = RevertReason.decode(r.returnData()).map(s -> ": " + s).orElse("");
      return new RpcException(
          RpcException.EXECUTION_REVERTED,
          "execution reverted" + reason,
          r.returnData().toHexString());
    }
    return new RpcException(RpcException.SERVER_ERROR, r.error());
  }

  private TransactionProcessor.CallResult runCall(ArrayNode p, long gasOverride) {
    JsonNode c = p.path(0);
    if (!c.isObject()) {
      throw RpcException.invalidParams("params[0]: expected a call object");
    }
    boolean atPending = isPending(p, 1);
    BlockHeader h =
        atPending ? pending.nextHeader() : p.size() > 1 ? blocks.header(p, 1) : chain.head();
    if (h == null) {
      throw new RpcException(RpcException.SERVER_ERROR, "header not found");
    }
    Bytes from =
        c.hasNonNull("from")
            ? Bytes.fromHexString(c.get("from").asText())
            : Bytes.wrap(new byte[20]);
    Optional<Bytes> to =
        c.hasNonNull("to")
            ? Optional.of(Bytes.fromHexString(c.get("to").asText()))
            : Optional.empty();
    String dataField = c.hasNonNull("input") ? "input" : "data";
    Bytes data =
        c.hasNonNull(dataField) ? Bytes.fromHexString(c.get(dataField).asText()) : Bytes.EMPTY;
    BigInteger value =
        c.hasNonNull("value") ? Numeric.toBigInt(c.get("value").asText()) : BigInteger.ZERO;
    long gas =
        gasOverride >= 0
            ? gasOverride
            : c.hasNonNull("gas")
                ? gasField(c)
                : Math.min(chain.spec().gasLimit(), evm.limits().gasCap());
    evm.checkGas(gas);
    if (atPending) {
      return evm.run(
          () ->
              pending.read(
                  (s, env) -> TransactionProcessor.call(s, from, to, value, data, gas, env)));
    }
    BlockEnvironment env = chain.environment(h);
    return evm.run(
        () ->
            chain
                .states()
                .snapshot(
                    h.stateRoot(),
                    s -> TransactionProcessor.call(s, from, to, value, data, gas, env)));
  }

  private static long gasField(JsonNode call) {
    BigInteger gas = Numeric.toBigInt(call.get("gas").asText());
    if (gas.signum() < 0 || gas.bitLength() > 63) {
      throw RpcException.invalidParams("params[0].gas: expected a quantity below 2^63, got " + gas);
    }
    return gas.longValueExact();
  }

  private JsonNode proof(ArrayNode p) {
    Address a = address(p, 0);
    List<Hash> keys = new ArrayList<>();
    p.path(1)
        .forEach(k -> keys.add(new Hash(Numeric.toBytesPadded(Numeric.toBigInt(k.asText()), 32))));
    BlockHeader h = blocks.existing(p, 2);
    io.horizen.evm.results.ProofAccountResult r =
        chain
            .states()
            .snapshot(
                h.stateRoot(),
                s ->
                    s.getProof(
                        a, new Hash(h.stateRoot().toArrayUnsafe()), keys.toArray(new Hash[0])));
    ObjectNode o = JSON.objectNode();
    o.put("address", Bytes.wrap(a.toBytes()).toHexString());
    ArrayNode accountProof = o.putArray("accountProof");
    for (String node : r.accountProof) {
      accountProof.add(node);
    }
    o.put("balance", hexQ(r.balance));
    o.put("codeHash", r.codeHash.toString());
    o.put("nonce", hexQ(r.nonce));
    o.put("storageHash", r.storageHash.toString());
    ArrayNode storage = o.putArray("storageProof");
    if (r.storageProof != null) {
      for (var sp : r.storageProof) {
        ObjectNode s = storage.addObject();
        s.put("key", sp.key);
        s.put("value", hexQ(sp.value));
        ArrayNode proof = s.putArray("proof");
        for (String node : sp.proof) {
          proof.add(node);
        }
      }
    }
    return o;
  }
}
