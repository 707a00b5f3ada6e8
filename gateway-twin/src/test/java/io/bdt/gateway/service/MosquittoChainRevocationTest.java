package io.bdt.gateway.service;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/** {@link ChainRevocationCases} on Mosquitto 2 with the dynamic security plugin. */
@QuarkusTest
@QuarkusTestResource(
    value = ChainBroker.class,
    initArgs = @ResourceArg(name = "broker", value = "mosquitto"),
    restrictToAnnotatedClass = true)
class MosquittoChainRevocationTest extends ChainRevocationCases {

  @Override
  String url() {
    return DynsecIdentityBroker.broker.url();
  }

  @Override
  TestTokens tokens() {
    return DynsecIdentityBroker.tokens;
  }
}
