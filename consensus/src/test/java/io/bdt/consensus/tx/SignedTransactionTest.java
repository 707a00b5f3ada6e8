package io.bdt.consensus.tx;

import static io.bdt.consensus.Fixtures.ALICE;
import static io.bdt.consensus.Fixtures.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.consensus.Fixtures;
import java.math.BigInteger;
import org.apache.tuweni.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.SignedRawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.crypto.transaction.type.TransactionType;

class SignedTransactionTest {

  @Test
  void decodesWeb3jSignedLegacyEip155Transaction() {
    Bytes raw =
        Fixtures.legacy(
            ALICE, 7, BOB.getAddress(), BigInteger.TEN, Bytes.fromHexString("0x01"), 50_000);

    SignedTransaction tx = SignedTransaction.decode(raw);

    assertThat(tx.type()).isEqualTo(TransactionType.LEGACY);
    assertThat(tx.sender()).isEqualTo(Bytes.fromHexString(ALICE.getAddress()));
    assertThat(tx.chainId()).isEqualTo(Fixtures.CHAIN_ID);
    assertThat(tx.nonce()).isEqualTo(7);
    assertThat(tx.gasLimit()).isEqualTo(50_000);
    assertThat(tx.to()).contains(Bytes.fromHexString(BOB.getAddress()));
    assertThat(tx.value()).isEqualTo(BigInteger.TEN);
    assertThat(tx.fee()).isEqualTo(new Fee.GasPrice(Fixtures.GWEI.multiply(BigInteger.TWO)));
    assertThat(tx.hash().toArrayUnsafe()).isEqualTo(Hash.sha3(raw.toArrayUnsafe()));
  }

  @Test
  void decodesWeb3jSignedEip1559Transaction() {
    Bytes raw =
        Fixtures.eip1559(BOB, 0, null, BigInteger.ZERO, Fixtures.counterInitCode(1), 300_000);

    SignedTransaction tx = SignedTransaction.decode(raw);

    assertThat(tx.type()).isEqualTo(TransactionType.EIP1559);
    assertThat(tx.sender()).isEqualTo(Bytes.fromHexString(BOB.getAddress()));
    assertThat(tx.isContractCreation()).isTrue();
    assertThat(tx.fee())
        .isEqualTo(new Fee.FeeCap(Fixtures.GWEI.multiply(BigInteger.TWO), Fixtures.GWEI));
    assertThat(tx.data()).isEqualTo(Fixtures.counterInitCode(1));
  }

  @Test
  void rejectsLegacyTransactionWithoutReplayProtection() {
    RawTransaction raw =
        RawTransaction.createEtherTransaction(
            BigInteger.ZERO,
            BigInteger.ONE,
            BigInteger.valueOf(21_000),
            BOB.getAddress(),
            BigInteger.ONE);
    Bytes unprotected = Bytes.wrap(TransactionEncoder.signMessage(raw, ALICE));

    assertThatThrownBy(() -> SignedTransaction.decode(unprotected))
        .isInstanceOf(InvalidTransactionException.class)
        .hasMessageContaining("EIP-155");
  }

  @Test
  void tamperedPayloadRecoversADifferentSender() {
    Bytes raw = Fixtures.eip1559(ALICE, 0, BOB.getAddress(), BigInteger.ONE, Bytes.EMPTY, 21_000);
    SignedRawTransaction signed =
        (SignedRawTransaction) TransactionDecoder.decode(raw.toHexString());
    RawTransaction moreValue =
        RawTransaction.createTransaction(
            Fixtures.CHAIN_ID,
            signed.getNonce(),
            signed.getGasLimit(),
            signed.getTo(),
            Fixtures.ETHER,
            signed.getData(),
            Fixtures.GWEI,
            Fixtures.GWEI.multiply(BigInteger.TWO));
    Bytes tampered = Bytes.wrap(TransactionEncoder.encode(moreValue, signed.getSignatureData()));

    SignedTransaction tx = SignedTransaction.decode(tampered);

    assertThat(tx.sender()).isNotEqualTo(Bytes.fromHexString(ALICE.getAddress()));
  }

  @Test
  void rejectsSignatureWithHighS() {
    Bytes raw = Fixtures.eip1559(ALICE, 0, BOB.getAddress(), BigInteger.ONE, Bytes.EMPTY, 21_000);
    // s is the last 32 bytes; replace it by n - s (same signature malleated, forbidden by EIP-2)
    byte[] bytes = raw.toArray();
    BigInteger n = org.web3j.crypto.Sign.CURVE_PARAMS.getN();
    BigInteger s =
        new BigInteger(1, java.util.Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length));
    byte[] high = org.web3j.utils.Numeric.toBytesPadded(n.subtract(s), 32);
    System.arraycopy(high, 0, bytes, bytes.length - 32, 32);

    assertThatThrownBy(() -> SignedTransaction.decode(Bytes.wrap(bytes)))
        .isInstanceOf(InvalidTransactionException.class)
        .hasMessageContaining("EIP-2");
  }

  @Test
  void recoversTheSignerOfManyKeysForBothTypes() {
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 40; i++) {
      org.web3j.crypto.Credentials who =
          org.web3j.crypto.Credentials.create(
              org.web3j.crypto.ECKeyPair.create(new BigInteger(250, random).add(BigInteger.ONE)));
      Bytes raw =
          i % 2 == 0
              ? Fixtures.eip1559(who, i, BOB.getAddress(), BigInteger.ONE, Bytes.EMPTY, 21_000)
              : Fixtures.legacy(who, i, BOB.getAddress(), BigInteger.ONE, Bytes.EMPTY, 21_000);

      assertThat(SignedTransaction.decode(raw).sender())
          .as("key %d", i)
          .isEqualTo(Bytes.fromHexString(who.getAddress()));
    }
  }
}
