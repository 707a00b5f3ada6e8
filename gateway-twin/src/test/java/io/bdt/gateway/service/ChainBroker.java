package io.bdt.gateway.service;

import io.bdt.gateway.chain.TestChain;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * Test resource: a broker with device identity ({@code broker=hivemq}: {@link IdentityBroker};
 * {@code broker=mosquitto}: {@link DynsecIdentityBroker}) and a real chain node with the platform's
 * contracts ({@link TestChain}); the gateway writes its devices to DeviceRegistry and follows its
 * revocations. The on-chain status is never read through on lookups (a long {@code status-ttl}), so
 * only the revocation watch can carry a revocation made on chain to the broker.
 */
public class ChainBroker implements QuarkusTestResourceLifecycleManager {

  static volatile TestChain chain;
  private QuarkusTestResourceLifecycleManager broker;

  @Override
  public void init(Map<String, String> args) {
    broker =
        "mosquitto".equals(args.get("broker")) ? new DynsecIdentityBroker() : new IdentityBroker();
  }

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(broker.start());
    try {
      chain = TestChain.startAndDeploy(Files.createTempDirectory("bdt-revocation-chain"));
    } catch (Exception e) {
      throw new IllegalStateException("could not start the chain node", e);
    }
    config.put("bdt.gateway.chain.rpc-url", chain.rpcUrl());
    config.put("bdt.gateway.chain.registry-address", chain.deviceRegistry);
    config.put("bdt.gateway.chain.retry-period", "0.2");
    config.put("bdt.gateway.chain.status-ttl", "3600");
    config.put("bdt.gateway.chain.revocation-poll", "0.2");
    config.put("bdt.gateway.inference.chain-id", Long.toString(TestChain.CHAIN_ID));
    config.put(
        "bdt.gateway.inference.signing-key",
        TestChain.GATEWAY.getEcKeyPair().getPrivateKey().toString(16));
    return config;
  }

  @Override
  public void stop() {
    if (chain != null) {
      chain.close();
    }
    broker.stop();
  }
}
