package io.bdt.consensus.tx;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Optional;
import java.util.Random;
import org.apache.tuweni.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

class SenderRecoveryTest {

  @Test
  void libsecp256k1LoadsOnLinuxX64() {
    assertThat(SenderRecovery.isNative()).isTrue();
  }

  @Test
  void libsecp256k1RecoversTheSameSignerAsBouncyCastle() {
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      ECKeyPair key = ECKeyPair.create(new BigInteger(250, random).add(BigInteger.ONE));
      byte[] hash = Hash.sha3(("message " + i).getBytes());
      Sign.SignatureData sig = Sign.signMessage(hash, key, false);
      BigInteger r = new BigInteger(1, sig.getR());
      BigInteger s = new BigInteger(1, sig.getS());
      int recId = sig.getV()[0] - 27;

      Optional<Bytes> fromNative = SenderRecovery.address(hash, r, s, recId);

      assertThat(fromNative).contains(Bytes.fromHexString(Keys.getAddress(key)));
      assertThat(fromNative).isEqualTo(SenderRecovery.javaAddress(hash, r, s, recId));
    }
  }

  @Test
  void anRWithNoCurvePointRecoversNoSigner() {
    byte[] hash = Hash.sha3("m".getBytes());
    // x = 5 is not the x-coordinate of a secp256k1 point (5^3 + 7 = 132 is not a square mod p)
    BigInteger r = BigInteger.valueOf(5);

    assertThat(SenderRecovery.address(hash, r, BigInteger.TEN, 0)).isEmpty();
    assertThat(SenderRecovery.javaAddress(hash, r, BigInteger.TEN, 0)).isEmpty();
  }
}
