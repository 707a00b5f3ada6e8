package io.bdt.ap.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.ap.chain.PlatformChain;
import io.bdt.ap.chain.TestPlatformKeys;
import io.bdt.contracts.receipt.ServiceReceipt;
import java.math.BigInteger;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

class ReceiptBookTest {
  static final String LEDGER = PlatformChain.ledgerAddress(TestPlatformKeys.of(0, 0));
  static final Credentials AP = TestPlatformKeys.ap(0);
  static final Credentials GW = TestPlatformKeys.gateway(0);
  static final long FLOPS = 1000;

  static String taskId(int task) {
    return Numeric.toHexString(Numeric.toBytesPadded(BigInteger.valueOf(task), 32));
  }

  static ReceiptMessage signed(
      int task, String ap, Credentials signer, String claimedGateway, long flops) {
    byte[] id = Numeric.hexStringToByteArray(taskId(task));
    ServiceReceipt r =
        new ServiceReceipt(id, ap, claimedGateway, BigInteger.valueOf(flops), 500, 1);
    byte[] sig = r.sign(PlatformChain.CHAIN_ID, LEDGER, signer.getEcKeyPair());
    return new ReceiptMessage(
        taskId(task), ap, Long.toString(flops), 500, 1, claimedGateway, Numeric.toHexString(sig));
  }

  static ReceiptMessage signed(int task) {
    return signed(task, AP.getAddress(), GW, GW.getAddress(), FLOPS);
  }

  /** A book whose registered gateways are GW only, having served tasks 1 and 2 for GW. */
  ReceiptBook book() {
    ReceiptBook book =
        new ReceiptBook(
            AP.getAddress(),
            PlatformChain.CHAIN_ID,
            LEDGER,
            Set.of(GW.getAddress().toLowerCase())::contains);
    book.served(taskId(1), GW.getAddress(), FLOPS);
    book.served(taskId(2), GW.getAddress(), FLOPS);
    return book;
  }

  @Test
  void holdsAReceiptOfAServedTaskSignedByItsRegisteredGateway() {
    ReceiptBook book = book();
    assertThat(book.accept(signed(1)).gateway()).isEqualToIgnoringCase(GW.getAddress());
    assertThat(book.pendingCount()).isEqualTo(1);
    assertThat(book.refusedCount()).isZero();
  }

  @Test
  void holdsOneCopyPerTask() {
    ReceiptBook book = book();
    book.accept(signed(1));
    book.accept(signed(1));
    assertThat(book.pendingCount()).isEqualTo(1);
  }

  @Test
  void refusesReceiptForATaskThisApNeverServed() {
    ReceiptBook book = book();
    assertThatThrownBy(() -> book.accept(signed(3)))
        .hasMessageStartingWith("taskId: this AP served no task");
    assertThat(book.refusedCount()).isEqualTo(1);
  }

  @Test
  void refusesReceiptClaimingMoreFlopsThanServed() {
    ReceiptBook book = book();
    assertThatThrownBy(
            () -> book.accept(signed(1, AP.getAddress(), GW, GW.getAddress(), FLOPS * 1000)))
        .hasMessageStartingWith("flopsServed: this AP served 1000 FLOPs");
    assertThat(book.pendingCount()).isZero();
  }

  @Test
  void refusesReceiptOfATaskServedForAnotherGateway() {
    Credentials other = TestPlatformKeys.gateway(1);
    ReceiptBook book = book();
    assertThatThrownBy(
            () -> book.accept(signed(1, AP.getAddress(), other, other.getAddress(), FLOPS)))
        .hasMessageStartingWith("gateway: task");
  }

  @Test
  void refusesReceiptNamingAnotherAp() {
    assertThatThrownBy(
            () ->
                book()
                    .accept(
                        signed(1, TestPlatformKeys.ap(1).getAddress(), GW, GW.getAddress(), FLOPS)))
        .hasMessageStartingWith("ap:");
  }

  @Test
  void refusesSignatureOfAnotherKeyThanTheClaimedGateway() {
    Credentials other = TestPlatformKeys.gateway(5);
    assertThatThrownBy(
            () -> book().accept(signed(1, AP.getAddress(), other, GW.getAddress(), FLOPS)))
        .hasMessageStartingWith("signature:")
        .hasMessageContaining("not by the gateway");
  }

  @Test
  void refusesUnregisteredGateway() {
    Credentials other = TestPlatformKeys.gateway(5);
    ReceiptBook book = book();
    book.served(taskId(7), other.getAddress(), FLOPS);
    assertThatThrownBy(
            () -> book.accept(signed(7, AP.getAddress(), other, other.getAddress(), FLOPS)))
        .hasMessageContaining("is not a registered gateway");
  }

  @Test
  void recordedReceiptsLeaveThePendingSet() {
    ReceiptBook book = book();
    book.accept(signed(1));
    book.accept(signed(2));
    book.recorded(book.batch(1));
    assertThat(book.pendingCount()).isEqualTo(1);
    assertThat(book.recordedCount()).isEqualTo(1);
    book.accept(signed(1));
    assertThat(book.pendingCount()).isEqualTo(1);
  }
}
