package io.bdt.ap.trust;

import com.fasterxml.jackson.databind.JsonNode;
import io.bdt.ap.chain.ApChain;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.utils.Numeric;

/**
 * {@link GatewayDirectory} read from ReputationLedger ({@code isGateway(address)}, the
 * GatewayDirectory interface) through this AP's node. A registration is remembered for {@code
 * remember} (the ledger never removes a gateway); an unknown address is asked again after {@code
 * forget}, so a newly approved gateway is served within that time.
 */
public final class LedgerGatewayDirectory implements GatewayDirectory {
  private final ApChain chain;
  private final String ledger;
  private final Clock clock;
  private final Duration remember;
  private final Duration forget;
  private final Map<String, Instant> known = new ConcurrentHashMap<>();
  private final Map<String, Instant> unknown = new ConcurrentHashMap<>();

  public LedgerGatewayDirectory(
      ApChain chain, String ledger, Clock clock, Duration remember, Duration forget) {
    this.chain = chain;
    this.ledger = ledger;
    this.clock = clock;
    this.remember = remember;
    this.forget = forget;
  }

  @Override
  public boolean isGateway(String address) throws IOException {
    Instant now = clock.instant();
    Instant until = known.get(address);
    if (until != null && now.isBefore(until)) {
      return true;
    }
    Instant retry = unknown.get(address);
    if (retry != null && now.isBefore(retry)) {
      return false;
    }
    if (unknown.size() > 10_000) {
      unknown.clear(); // bounded: a flood of made-up addresses costs chain reads, not memory
    }
    String data =
        FunctionEncoder.encode(new Function("isGateway", List.of(new Address(address)), List.of()));
    JsonNode result = chain.rpc("eth_call", Map.of("to", ledger, "data", data), "latest");
    String hex = result.asText("");
    if (!hex.startsWith("0x") || hex.length() != 66) {
      // "0x": no contract at the address (not deployed yet, or a wrong ledger address)
      throw new IOException(
          "ReputationLedger " + ledger + " answered isGateway with '" + hex + "' (no contract?)");
    }
    boolean registered = Numeric.toBigInt(hex).signum() != 0;
    if (registered) {
      known.put(address, now.plus(remember));
      unknown.remove(address);
    } else {
      unknown.put(address, now.plus(forget));
    }
    return registered;
  }
}
