package io.bdt.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.concurrent.Callable;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;

/** Asserts that a transaction was mined, failed, and reverted with a given reason. */
public final class Reverts {
  private static final String ERROR_SELECTOR = "0x08c379a0";

  private Reverts() {}

  /** Runs {@code send}, expects a mined, failed transaction and returns its revert reason. */
  public static String reason(Callable<?> send) {
    Throwable thrown = catchThrowable(send::call);
    assertThat(thrown).as("transaction should revert").isInstanceOf(TransactionException.class);
    TransactionException e = (TransactionException) thrown;
    TransactionReceipt receipt = e.getTransactionReceipt().orElseThrow();
    assertThat(receipt.isStatusOK()).isFalse();
    return decode(receipt.getRevertReason(), e.getMessage());
  }

  /** Asserts {@code send} reverts with exactly {@code expected}. */
  public static void assertReverts(String expected, Callable<?> send) {
    assertThat(reason(send)).isEqualTo(expected);
  }

  @SuppressWarnings("rawtypes")
  private static String decode(String revertData, String message) {
    if (revertData != null && revertData.startsWith(ERROR_SELECTOR)) {
      List<Type> out =
          FunctionReturnDecoder.decode(
              "0x" + revertData.substring(ERROR_SELECTOR.length()),
              org.web3j.abi.Utils.convert(
                  List.<TypeReference<?>>of(new TypeReference<Utf8String>() {})));
      return out.get(0).getValue().toString();
    }
    if (revertData != null && !revertData.startsWith("0x")) {
      return revertData;
    }
    throw new AssertionError("no revert reason in " + revertData + " / " + message);
  }
}
