package io.bdt.gateway.service;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/** {@link ChainRevocationCases} on the embedded HiveMQ CE broker with the identity extension. */
@QuarkusTest
@QuarkusTestResource(
    value = ChainBroker.class,
    initArgs = @ResourceArg(name = "broker", value = "hivemq"),
    restrictToAnnotatedClass = true)
class ChainRevocationTest extends ChainRevocationCases {

  @Override
  String url() {
    return IdentityBroker.url;
  }

  @Override
  TestTokens tokens() {
    return IdentityBroker.tokens;
  }
}
