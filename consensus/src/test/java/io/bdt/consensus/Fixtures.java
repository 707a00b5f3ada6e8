package io.bdt.consensus;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.apache.tuweni.bytes.Bytes;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;

/** Keys, the compiled test contract and transaction builders shared by the tests. */
public final class Fixtures {
  /** Well-known development key (Hardhat/Anvil account 0). */
  public static final Credentials ALICE =
      Credentials.create("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

  /** Well-known development key (Hardhat/Anvil account 1). */
  public static final Credentials BOB =
      Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

  /** The dev chain's keys in tests: ALICE prefunded, BOB mining (fixed keys live in test code). */
  public static final io.bdt.consensus.node.DevNetwork.Keys DEV =
      new io.bdt.consensus.node.DevNetwork.Keys(ALICE, BOB);

  /** Well-known development key (Hardhat/Anvil account 2). */
  public static final Credentials CAROL =
      Credentials.create("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");

  public static final long CHAIN_ID = 1337;
  public static final BigInteger GWEI = BigInteger.TEN.pow(9);
  public static final BigInteger ETHER = BigInteger.TEN.pow(18);

  private Fixtures() {}

  /** Counter.sol init code (solc 0.8.28, shanghai), without constructor arguments. */
  public static String counterBin() {
    return resource("/contracts/Counter.bin").trim();
  }

  /** Counter.sol init code with constructor argument {@code start}. */
  public static Bytes counterInitCode(long start) {
    return Bytes.concatenate(
        Bytes.fromHexString(counterBin()),
        Bytes.wrap(org.web3j.utils.Numeric.toBytesPadded(BigInteger.valueOf(start), 32)));
  }

  public static String resource(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An EIP-1559 transaction signed by {@code who} (2 gwei max fee, 1 gwei tip). */
  public static Bytes eip1559(
      Credentials who, long nonce, String to, BigInteger value, Bytes data, long gas) {
    RawTransaction raw =
        RawTransaction.createTransaction(
            CHAIN_ID,
            BigInteger.valueOf(nonce),
            BigInteger.valueOf(gas),
            to,
            value,
            data.toHexString(),
            GWEI,
            GWEI.multiply(BigInteger.TWO));
    return Bytes.wrap(TransactionEncoder.signMessage(raw, CHAIN_ID, who));
  }

  /** A legacy EIP-155 transaction signed by {@code who} at 2 gwei. */
  public static Bytes legacy(
      Credentials who, long nonce, String to, BigInteger value, Bytes data, long gas) {
    RawTransaction raw =
        RawTransaction.createTransaction(
            BigInteger.valueOf(nonce),
            GWEI.multiply(BigInteger.TWO),
            BigInteger.valueOf(gas),
            to,
            value,
            data.toHexString());
    return Bytes.wrap(TransactionEncoder.signMessage(raw, CHAIN_ID, who));
  }
}
