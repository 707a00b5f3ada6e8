package io.bdt.ap.offload;

import io.bdt.ap.AccessPoint;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the tails of {@code bdt.ap.warm-models} are split, loaded and have run once, so the
 * first offloaded task does not pay ONNX Runtime's session start.
 */
@Readiness
@ApplicationScoped
public class TailReadiness implements HealthCheck {

  private final AccessPoint ap;

  public TailReadiness(AccessPoint ap) {
    this.ap = ap;
  }

  @Override
  public HealthCheckResponse call() {
    var response =
        HealthCheckResponse.named("tails")
            .status(ap.tailsWarm())
            .withData("models", String.join(",", ap.config().warmModels()));
    if (ap.warmError() != null) {
      response.withData("error", ap.warmError());
    }
    return response.build();
  }
}
