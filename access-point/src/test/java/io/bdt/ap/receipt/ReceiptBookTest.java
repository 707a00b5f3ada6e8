package io.bdt.ap.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.ap.chain.PlatformChain;
import io.bdt.contracts.receipt.ServiceReceipt;
import java.math.BigInteger;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

class ReceiptBookTest {
  static final String LEDGER = PlatformChain.ledgerAddress();
  static final Credentials AP = PlatformChain.ap(0);
  static final Credentials GW = PlatformChain.gateway(0);

  static ReceiptMessage signed(int task, String ap, Credentials signer, String claimedGateway) {
    byte[] id = Numeric.toBytesPadded(BigInteger.valueOf(task), 32);
    ServiceReceipt r = new ServiceReceipt(id, ap, BigInteger.valueOf(1000), 500, 1);
    byte[] sig = r.sign(PlatformChain.CHAIN_ID, LEDGER, signer.getEcKeyPair());
    return new ReceiptMessage(
        Numeric.toHexString(id), ap, "1000", 500, 1, claimedGateway, Numeric.toHexString(sig));
  }

  ReceiptBook book() {
    return new ReceiptBook(
        AP.getAddress(),
        PlatformChain.CHAIN_ID,
        LEDGER,
        Optional.of(Set.of(GW.getAddress().toLowerCase())));
  }

  @Test
  void holdsAReceiptSignedByAKnownGatewayForThisAp() {
    ReceiptBook book = book();
    assertThat(book.accept(signed(1, AP.getAddress(), GW, GW.getAddress())).gateway())
        .isEqualToIgnoringCase(GW.getAddress());
    assertThat(book.pendingCount()).isEqualTo(1);
  }

  @Test
  void holdsOneCopyPerTask() {
    ReceiptBook book = book();
    book.accept(signed(1, AP.getAddress(), GW, GW.getAddress()));
    book.accept(signed(1, AP.getAddress(), GW, GW.getAddress()));
    assertThat(book.pendingCount()).isEqualTo(1);
  }

  @Test
  void rejectsReceiptNamingAnotherAp() {
    assertThatThrownBy(
            () -> book().accept(signed(1, PlatformChain.ap(1).getAddress(), GW, GW.getAddress())))
        .hasMessageStartingWith("ap:");
  }

  @Test
  void rejectsSignatureOfAnotherKeyThanTheClaimedGateway() {
    Credentials other = PlatformChain.gateway(5);
    assertThatThrownBy(() -> book().accept(signed(1, AP.getAddress(), other, GW.getAddress())))
        .hasMessageStartingWith("signature:")
        .hasMessageContaining("not by the gateway");
  }

  @Test
  void rejectsUnknownGateway() {
    Credentials other = PlatformChain.gateway(5);
    assertThatThrownBy(() -> book().accept(signed(1, AP.getAddress(), other, null)))
        .hasMessageContaining("not a known gateway");
  }

  @Test
  void recordedReceiptsLeaveThePendingSet() {
    ReceiptBook book = book();
    book.accept(signed(1, AP.getAddress(), GW, GW.getAddress()));
    book.accept(signed(2, AP.getAddress(), GW, GW.getAddress()));
    book.recorded(book.batch(1));
    assertThat(book.pendingCount()).isEqualTo(1);
    assertThat(book.recordedCount()).isEqualTo(1);
    book.accept(signed(1, AP.getAddress(), GW, GW.getAddress()));
    assertThat(book.pendingCount()).isEqualTo(1);
  }
}
