package io.bdt.consensus.block;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes;
import org.web3j.rlp.RlpDecoder;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpType;

/**
 * A transaction's receipt. The consensus part ({@code [status, cumulativeGasUsed, bloom, logs]},
 * prefixed by the type byte for typed transactions) goes into the receipts root; gas used by this
 * transaction, the created contract and the revert data are kept beside it for JSON-RPC.
 */
public record Receipt(
    int type,
    boolean success,
    long cumulativeGasUsed,
    List<Log> logs,
    long gasUsed,
    Optional<Bytes> contractAddress,
    Bytes revertData) {

  public Receipt {
    logs = List.copyOf(logs);
  }

  /** The receipt's logs bloom. */
  public Bytes bloom() {
    return LogsBloom.of(logs);
  }

  /** The EIP-2718 encoding hashed into the receipts root. */
  public Bytes consensusEncoding() {
    List<RlpType> l = new ArrayList<>();
    logs.forEach(x -> l.add(x.rlp()));
    Bytes body =
        Bytes.wrap(
            RlpEncoder.encode(
                new RlpList(
                    Rlp.of(success ? 1 : 0),
                    Rlp.of(cumulativeGasUsed),
                    Rlp.of(bloom()),
                    new RlpList(l))));
    return type == 0 ? body : Bytes.concatenate(Bytes.of(type), body);
  }

  /** Storage encoding: consensus encoding plus the JSON-RPC extras. */
  public RlpList storageRlp() {
    return new RlpList(
        Rlp.of(consensusEncoding()),
        Rlp.of(gasUsed),
        Rlp.of(contractAddress.orElse(Bytes.EMPTY)),
        Rlp.of(revertData));
  }

  /** Reads {@link #storageRlp()}. */
  public static Receipt fromStorage(List<RlpType> l) {
    Bytes enc = Rlp.bytes(l, 0, "receipt");
    int type = 0;
    if (!enc.isEmpty() && (enc.get(0) & 0xff) < 0x7f) {
      type = enc.get(0);
      enc = enc.slice(1);
    }
    List<RlpType> f =
        ((RlpList) RlpDecoder.decode(enc.toArrayUnsafe()).getValues().get(0)).getValues();
    List<Log> logs = new ArrayList<>();
    for (RlpType x : Rlp.list(f, 3, "receipt.logs")) {
      logs.add(Log.fromRlp(((RlpList) x).getValues()));
    }
    Bytes created = Rlp.bytes(l, 2, "receipt.contractAddress");
    return new Receipt(
        type,
        Rlp.longScalar(f, 0, "receipt.status") == 1,
        Rlp.longScalar(f, 1, "receipt.cumulativeGasUsed"),
        logs,
        Rlp.longScalar(l, 1, "receipt.gasUsed"),
        created.isEmpty() ? Optional.empty() : Optional.of(created),
        Rlp.bytes(l, 3, "receipt.revertData"));
  }
}
