package io.bdt.consensus.tx;

import io.bdt.consensus.block.Keccak;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.Sign;
import org.web3j.crypto.SignedRawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.transaction.type.Transaction1559;
import org.web3j.crypto.transaction.type.TransactionType;
import org.web3j.utils.Numeric;

/**
 * A standard signed Ethereum transaction, legacy with EIP-155 replay protection (type 0) or
 * EIP-1559 (type 2), decoded from its network encoding with the sender recovered from the
 * signature. Values in wei, gas in gas units, addresses 20 bytes.
 */
public record SignedTransaction(
    Bytes raw,
    Bytes32 hash,
    TransactionType type,
    Bytes sender,
    long chainId,
    long nonce,
    Fee fee,
    long gasLimit,
    Optional<Bytes> to,
    BigInteger value,
    Bytes data) {

  private static final BigInteger CURVE_ORDER = Sign.CURVE_PARAMS.getN();
  private static final BigInteger HALF_CURVE_ORDER = CURVE_ORDER.shiftRight(1);

  /** Whether this transaction creates a contract (no recipient). */
  public boolean isContractCreation() {
    return to.isEmpty();
  }

  /**
   * Decodes and verifies a signed transaction as wallets send it to eth_sendRawTransaction.
   *
   * @throws InvalidTransactionException naming the rule broken: malformed encoding, unsupported
   *     type, missing EIP-155 chain id, signature values out of range (EIP-2 low s), or a signature
   *     from which no sender can be recovered
   */
  public static SignedTransaction decode(Bytes raw) {
    RawTransaction decoded;
    try {
      decoded = TransactionDecoder.decode(raw.toHexString());
    } catch (RuntimeException e) {
      throw new InvalidTransactionException("transaction: malformed encoding (" + e + ")");
    }
    if (!(decoded instanceof SignedRawTransaction signed)) {
      throw new InvalidTransactionException("transaction: not signed");
    }
    TransactionType type = decoded.getType();
    Fee fee;
    Long chainId = signed.getChainId();
    if (type == TransactionType.LEGACY) {
      if (chainId == null) {
        throw new InvalidTransactionException(
            "transaction.v: legacy transactions must be EIP-155 replay protected (v = chainId*2+35/36)");
      }
      fee = new Fee.GasPrice(decoded.getGasPrice());
    } else if (type == TransactionType.EIP1559) {
      Transaction1559 t = (Transaction1559) decoded.getTransaction();
      chainId = t.getChainId();
      fee = new Fee.FeeCap(t.getMaxFeePerGas(), t.getMaxPriorityFeePerGas());
      if (t.getMaxPriorityFeePerGas().compareTo(t.getMaxFeePerGas()) > 0) {
        throw new InvalidTransactionException(
            "transaction.maxPriorityFeePerGas: must not exceed maxFeePerGas");
      }
    } else {
      throw new InvalidTransactionException(
          "transaction.type: only legacy (0) and EIP-1559 (2) transactions are accepted, got "
              + type);
    }
    Sign.SignatureData sig = signed.getSignatureData();
    BigInteger r = Numeric.toBigInt(sig.getR());
    BigInteger s = Numeric.toBigInt(sig.getS());
    if (r.signum() <= 0 || r.compareTo(CURVE_ORDER) >= 0) {
      throw new InvalidTransactionException("transaction.r: signature value out of range");
    }
    if (s.signum() <= 0 || s.compareTo(HALF_CURVE_ORDER) > 0) {
      throw new InvalidTransactionException(
          "transaction.s: signature value out of range (EIP-2 requires s <= n/2)");
    }
    Bytes32 hash = Keccak.of(raw);
    Bytes sender = RECOVERED.get(hash);
    if (sender == null) {
      sender = recover(signed, r, s, sig);
      if (RECOVERED.size() >= RECOVERED_MAX) {
        RECOVERED.clear();
      }
      RECOVERED.put(hash, sender);
    }
    String to = decoded.getTo();
    Optional<Bytes> recipient =
        to == null || to.isEmpty() || to.equals("0x")
            ? Optional.empty()
            : Optional.of(Bytes.fromHexString(to));
    if (recipient.isPresent() && recipient.get().size() != 20) {
      throw new InvalidTransactionException("transaction.to: expected 20 bytes");
    }
    BigInteger nonce = decoded.getNonce();
    BigInteger gas = decoded.getGasLimit();
    if (nonce.bitLength() > 63 || gas.bitLength() > 63) {
      throw new InvalidTransactionException("transaction: nonce or gas limit exceeds 2^63-1");
    }
    String data = decoded.getData();
    return new SignedTransaction(
        raw,
        hash,
        type,
        sender,
        chainId,
        nonce.longValueExact(),
        fee,
        gas.longValueExact(),
        recipient,
        decoded.getValue() == null ? BigInteger.ZERO : decoded.getValue(),
        data == null || data.isEmpty() ? Bytes.EMPTY : Bytes.fromHexString(data));
  }

  /**
   * Senders already recovered, by transaction hash (Keccak of the whole signed encoding, so the
   * same hash means the same signature over the same fields and the same sender): a transaction
   * admitted over RPC or gossip is not recovered again when a block carrying it is imported or read
   * from the store. A transaction never seen still has its signature verified.
   */
  private static final Map<Bytes32, Bytes> RECOVERED = new ConcurrentHashMap<>();

  /** Entries kept before the sender cache starts over (about 100 bytes each). */
  private static final int RECOVERED_MAX = 200_000;

  private static Bytes recover(
      SignedRawTransaction signed, BigInteger r, BigInteger s, Sign.SignatureData sig) {
    try {
      byte[] signingHash =
          org.web3j.crypto.Hash.sha3(signed.getEncodedTransaction(signed.getChainId()));
      int recId = signed.getRealV(Numeric.toBigInt(sig.getV())) - 27;
      return SenderRecovery.address(signingHash, r, s, recId)
          .orElseThrow(() -> new SignatureException("no public key matches the signature"));
    } catch (SignatureException | RuntimeException e) {
      throw new InvalidTransactionException(
          "transaction.signature: no sender recoverable (" + e + ")");
    }
  }
}
