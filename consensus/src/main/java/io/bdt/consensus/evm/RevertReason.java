package io.bdt.consensus.evm;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes;

/** Reads the message of a Solidity {@code Error(string)} revert, as wallets show it. */
public final class RevertReason {
  private static final Bytes ERROR_SELECTOR = Bytes.fromHexString("0x08c379a0");

  private RevertReason() {}

  /** The revert message, if {@code revertData} is an ABI-encoded {@code Error(string)}. */
  public static Optional<String> decode(Bytes revertData) {
    if (revertData.size() < 4 + 64 || !revertData.slice(0, 4).equals(ERROR_SELECTOR)) {
      return Optional.empty();
    }
    Bytes body = revertData.slice(4);
    long offset = body.slice(0, 32).toUnsignedBigInteger().longValue();
    if (offset + 32 > body.size()) {
      return Optional.empty();
    }
    long length = body.slice((int) offset, 32).toUnsignedBigInteger().longValue();
    if (offset + 32 + length > body.size()) {
      return Optional.empty();
    }
    return Optional.of(
        new String(
            body.slice((int) offset + 32, (int) length).toArrayUnsafe(), StandardCharsets.UTF_8));
  }
}
