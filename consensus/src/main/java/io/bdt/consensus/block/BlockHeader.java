package io.bdt.consensus.block;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.web3j.rlp.RlpDecoder;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;

/**
 * A block header in Ethereum's London layout (RLP, 16 fields). The B-DT reading of the PoW fields:
 * {@code difficulty} is the miner's reputation-adjusted D_m (expected hashes per block), {@code
 * mixHash} is the PoW digest, {@code nonce} the 8-byte PoW nonce, and {@code extraData} holds the
 * miner's 65-byte secp256k1 seal signature (r, s, v) over {@link #signingHash()}, as Clique does.
 * Timestamps are in seconds, gas in gas units, {@code baseFee} in wei per gas.
 */
public record BlockHeader(
    Bytes32 parentHash,
    Bytes miner,
    Bytes32 stateRoot,
    Bytes32 transactionsRoot,
    Bytes32 receiptsRoot,
    Bytes logsBloom,
    BigInteger difficulty,
    long number,
    long gasLimit,
    long gasUsed,
    long timestamp,
    Bytes extraData,
    Bytes32 mixHash,
    long nonce,
    BigInteger baseFee) {

  /** Keccak-256 of RLP([]), the ommers hash of every block (this chain has no ommers). */
  public static final Bytes32 EMPTY_OMMERS_HASH =
      Keccak.of(RlpEncoder.encode(new RlpList(List.of())));

  /** Keccak-256 of RLP(""), the root of an empty trie. */
  public static final Bytes32 EMPTY_TRIE_ROOT = Keccak.of(RlpEncoder.encode(RlpString.create("")));

  public BlockHeader {
    if (miner.size() != 20) {
      throw new IllegalArgumentException("header.miner: expected 20 bytes, got " + miner.size());
    }
    if (logsBloom.size() != LogsBloom.SIZE) {
      throw new IllegalArgumentException("header.logsBloom: expected 256 bytes");
    }
    if (number < 0 || gasLimit < 0 || gasUsed < 0 || timestamp < 0) {
      throw new IllegalArgumentException("header: number, gas and timestamp must be >= 0");
    }
  }

  /** Ethereum's RLP encoding of the full header; its Keccak-256 is the block hash. */
  public Bytes rlp() {
    return Bytes.wrap(RlpEncoder.encode(rlpList(true, true)));
  }

  /** The block hash: Keccak-256 of the full RLP header, seal included. */
  public Bytes32 hash() {
    return Keccak.of(rlp());
  }

  /**
   * What the PoW covers: every field except mixHash, nonce and the seal, so a miner searches nonces
   * over a fixed template.
   */
  public Bytes32 powHash() {
    return Keccak.of(RlpEncoder.encode(rlpList(false, false)));
  }

  /** What the miner signs: the sealed header (nonce and mixHash included) without the signature. */
  public Bytes32 signingHash() {
    return Keccak.of(RlpEncoder.encode(rlpList(true, false)));
  }

  /** This header with the PoW solution. */
  public BlockHeader withPow(long newNonce, Bytes32 digest) {
    return new BlockHeader(
        parentHash,
        miner,
        stateRoot,
        transactionsRoot,
        receiptsRoot,
        logsBloom,
        difficulty,
        number,
        gasLimit,
        gasUsed,
        timestamp,
        extraData,
        digest,
        newNonce,
        baseFee);
  }

  /** This header with {@code seal} as its extraData. */
  public BlockHeader withExtraData(Bytes seal) {
    return new BlockHeader(
        parentHash,
        miner,
        stateRoot,
        transactionsRoot,
        receiptsRoot,
        logsBloom,
        difficulty,
        number,
        gasLimit,
        gasUsed,
        timestamp,
        seal,
        mixHash,
        nonce,
        baseFee);
  }

  RlpList rlpList(boolean withPow, boolean withSeal) {
    List<RlpType> f = new ArrayList<>(16);
    f.add(Rlp.of(parentHash));
    f.add(Rlp.of(EMPTY_OMMERS_HASH));
    f.add(Rlp.of(miner));
    f.add(Rlp.of(stateRoot));
    f.add(Rlp.of(transactionsRoot));
    f.add(Rlp.of(receiptsRoot));
    f.add(Rlp.of(logsBloom));
    f.add(Rlp.of(difficulty));
    f.add(Rlp.of(number));
    f.add(Rlp.of(gasLimit));
    f.add(Rlp.of(gasUsed));
    f.add(Rlp.of(timestamp));
    f.add(Rlp.of(withSeal ? extraData : Bytes.EMPTY));
    if (withPow) {
      f.add(Rlp.of(mixHash));
      f.add(Rlp.of(Bytes.ofUnsignedLong(nonce)));
    }
    f.add(Rlp.of(baseFee));
    return new RlpList(f);
  }

  /** Decodes an RLP header, naming the field that is malformed. */
  public static BlockHeader decode(Bytes rlp) {
    List<RlpType> top = RlpDecoder.decode(rlp.toArrayUnsafe()).getValues();
    if (top.size() != 1 || !(top.get(0) instanceof RlpList l)) {
      throw new IllegalArgumentException("header: expected one RLP list");
    }
    return fromRlp(l.getValues());
  }

  /** Reads the 16 header fields from a decoded RLP list. */
  public static BlockHeader fromRlp(List<RlpType> f) {
    if (f.size() != 16) {
      throw new IllegalArgumentException("header: expected 16 fields, got " + f.size());
    }
    if (!Rlp.hash(f, 1, "header.ommersHash").equals(EMPTY_OMMERS_HASH)) {
      throw new IllegalArgumentException("header.ommersHash: this chain has no ommers");
    }
    Bytes nonce = Rlp.bytes(f, 14, "header.nonce");
    if (nonce.size() != 8) {
      throw new IllegalArgumentException("header.nonce: expected 8 bytes");
    }
    return new BlockHeader(
        Rlp.hash(f, 0, "header.parentHash"),
        Rlp.bytes(f, 2, "header.miner"),
        Rlp.hash(f, 3, "header.stateRoot"),
        Rlp.hash(f, 4, "header.transactionsRoot"),
        Rlp.hash(f, 5, "header.receiptsRoot"),
        Rlp.bytes(f, 6, "header.logsBloom"),
        Rlp.scalar(f, 7, "header.difficulty"),
        Rlp.longScalar(f, 8, "header.number"),
        Rlp.longScalar(f, 9, "header.gasLimit"),
        Rlp.longScalar(f, 10, "header.gasUsed"),
        Rlp.longScalar(f, 11, "header.timestamp"),
        Rlp.bytes(f, 12, "header.extraData"),
        Rlp.hash(f, 13, "header.mixHash"),
        nonce.toLong(),
        Rlp.scalar(f, 15, "header.baseFeePerGas"));
  }
}
