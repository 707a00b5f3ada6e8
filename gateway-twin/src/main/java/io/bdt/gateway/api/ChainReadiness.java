package io.bdt.gateway.api;

import io.bdt.gateway.chain.ChainOutbox;
import io.bdt.gateway.chain.GatewayChain;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The chain outbox in the readiness details: pending writes, replayed writes, whether the start-up
 * reconciliation is done, unusable outbox lines and conflicts. Always up: the gateway serves with
 * an unreachable chain (writes wait in the outbox), so the chain never makes it unready.
 */
@Readiness
@ApplicationScoped
public class ChainReadiness implements HealthCheck {

  private final GatewayChain chain;

  public ChainReadiness(GatewayChain chain) {
    this.chain = chain;
  }

  @Override
  public HealthCheckResponse call() {
    ChainOutbox outbox = chain.outbox();
    HealthCheckResponseBuilder r =
        HealthCheckResponse.named("chain").up().withData("enabled", outbox != null);
    if (outbox != null) {
      r.withData("outboxFile", outbox.path().toString())
          .withData("pending", outbox.pending())
          .withData("replayed", outbox.replayed())
          .withData("reconciled", outbox.reconciled())
          .withData("corruptOutboxLines", outbox.problems().size())
          .withData("conflicts", outbox.conflicts().size());
      if (!outbox.problems().isEmpty()) {
        r.withData("firstCorruptOutboxLine", outbox.problems().getFirst());
      }
    }
    return r.build();
  }
}
