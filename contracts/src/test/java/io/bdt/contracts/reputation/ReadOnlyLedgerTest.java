package io.bdt.contracts.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.contracts.generated.ReputationLedger;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

class ReadOnlyLedgerTest {

  private static final String LEDGER = "0x30318de891d9b13a586D6935bf2b778Dd2eAaC47";

  @Test
  void aTransactionThroughTheHandleFailsBeforeItReachesANode() {
    // no node listens on port 1: a handle that tried to send would fail with a connection error
    Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:1"));
    try {
      ReputationLedger ledger = ReadOnlyLedger.of(web3j, LEDGER);

      assertThat(ledger.getContractAddress()).isEqualToIgnoringCase(LEDGER);
      assertThatThrownBy(() -> ledger.approveGateway(LEDGER).send())
          .isInstanceOf(UnsupportedOperationException.class);
    } finally {
      web3j.shutdown();
    }
  }
}
