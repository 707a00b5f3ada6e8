package io.bdt.consensus.block;

import java.util.ArrayList;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpType;

/** An EVM log entry: emitting contract address (20 bytes), up to four topics, and data. */
public record Log(Bytes address, List<Bytes32> topics, Bytes data) {
  public Log {
    topics = List.copyOf(topics);
  }

  /** Ethereum's RLP form {@code [address, [topics...], data]}. */
  public RlpList rlp() {
    List<RlpType> t = new ArrayList<>();
    topics.forEach(x -> t.add(Rlp.of(x)));
    return new RlpList(Rlp.of(address), new RlpList(t), Rlp.of(data));
  }

  /** Reads the RLP form written by {@link #rlp()}. */
  public static Log fromRlp(List<RlpType> l) {
    List<Bytes32> topics = new ArrayList<>();
    List<RlpType> t = Rlp.list(l, 1, "log.topics");
    for (int i = 0; i < t.size(); i++) {
      topics.add(Rlp.hash(t, i, "log.topic"));
    }
    return new Log(Rlp.bytes(l, 0, "log.address"), topics, Rlp.bytes(l, 2, "log.data"));
  }
}
