package io.bdt.gateway.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.contracts.receipt.ServiceReceipt;
import java.math.BigInteger;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * Signs the gateway's receipt for each served task with its secp256k1 key, in the EIP-712 form the
 * ReputationLedger contract verifies ({@link ServiceReceipt}, naming this gateway), and renders it
 * as the JSON body of the AP's {@code POST /receipts}; the AP checks it against the task it served
 * and co-signs it.
 */
public final class ReceiptSigner {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ECKeyPair key;
  private final long chainId;
  private final String ledger;

  public ReceiptSigner(ECKeyPair key, long chainId, String ledger) {
    this.key = key;
    this.chainId = chainId;
    this.ledger = ledger;
  }

  /** The gateway's address (0x-prefixed, lower case). */
  public String address() {
    return "0x" + Keys.getAddress(key);
  }

  /** The signed receipt as the JSON body of {@code POST /receipts}. */
  public ObjectNode sign(ServiceReceipt receipt) {
    byte[] signature = receipt.sign(chainId, ledger, key);
    ObjectNode json = JSON.createObjectNode();
    json.put("taskId", Numeric.toHexString(receipt.taskId()));
    json.put("ap", receipt.ap());
    json.put("flopsServed", receipt.flopsServed().toString());
    json.put("latencyMicros", receipt.latencyMicros());
    json.put("slot", receipt.slot());
    json.put("gateway", address());
    json.put("signature", Numeric.toHexString(signature));
    return json;
  }

  /**
   * This gateway's receipt for {@code flopsServed} FLOPs (at least 1, as the ledger requires) in
   * {@code slot} of the ledger's slot clock.
   */
  public ServiceReceipt receipt(
      byte[] taskId, String ap, long flopsServed, long latencyMicros, long slot) {
    return new ServiceReceipt(
        taskId, ap, address(), BigInteger.valueOf(Math.max(1, flopsServed)), latencyMicros, slot);
  }
}
