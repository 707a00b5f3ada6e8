package io.bdt.ap.trust;

import java.io.IOException;

/** Who the registered gateways are: ReputationLedger's {@code isGateway} on chain. */
@FunctionalInterface
public interface GatewayDirectory {

  /**
   * Whether {@code address} (lower-case {@code 0x} hex) is a registered gateway now.
   *
   * @throws IOException if the directory cannot be read (the caller answers 503, not 403)
   */
  boolean isGateway(String address) throws IOException;
}
