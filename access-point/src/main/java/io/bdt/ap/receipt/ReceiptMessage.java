package io.bdt.ap.receipt;

/**
 * A gateway-signed receipt as it arrives on {@code POST /receipts} (JSON; field formats in
 * docs/gateway-twin.md, "AP protocol").
 *
 * @param taskId bytes32 as {@code 0x} + 64 hex digits
 * @param ap the serving AP's address
 * @param flopsServed decimal uint256
 * @param latencyMicros end-to-end task latency, microseconds
 * @param slot the slot the task was served in
 * @param gateway the signer's address (checked against the recovered signer)
 * @param signature 65 bytes r||s||v as hex
 */
public record ReceiptMessage(
    String taskId,
    String ap,
    String flopsServed,
    long latencyMicros,
    long slot,
    String gateway,
    String signature) {}
