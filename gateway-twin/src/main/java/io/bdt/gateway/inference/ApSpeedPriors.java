package io.bdt.gateway.inference;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Gives the gateway's {@link ApSpeedEstimator} each AP's own speed on this gateway's model while
 * the gateway has measured fewer than {@link ApSpeedEstimator#WARM_UP_TASKS} tasks there: the AP's
 * {@code /status} {@code apFlopsPerCycle}, which its lane measures on every task it serves, instead
 * of the genesis' {@code phi_A} (docs/dpra.md, "The AP's measured speed"). Read in the background,
 * at most one request per AP at a time, so a slow AP does not delay the slot's demand.
 */
final class ApSpeedPriors {

  private static final Logger LOG = Logger.getLogger(ApSpeedPriors.class);
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  private final ApClient aps;
  private final ApSpeedEstimator apSpeed;
  private final String model;
  private final AtomicBoolean[] asking;

  ApSpeedPriors(ApClient aps, ApSpeedEstimator apSpeed, String model, int apCount) {
    this.aps = aps;
    this.apSpeed = apSpeed;
    this.model = model;
    asking = new AtomicBoolean[Math.max(1, apCount)];
    for (int m = 0; m < asking.length; m++) {
      asking[m] = new AtomicBoolean();
    }
  }

  /** Asks every AP at {@code urls} still warming up for its speed, unless already asking it. */
  void refresh(List<String> urls) {
    for (int m = 0; m < Math.min(urls.size(), asking.length); m++) {
      int ap = m;
      if (apSpeed.warmingUp(ap) && asking[ap].compareAndSet(false, true)) {
        Thread.ofVirtual()
            .name("ap-speed-prior-" + ap)
            .start(
                () -> {
                  try {
                    take(ap, aps.status(urls.get(ap), TIMEOUT));
                  } catch (IOException e) {
                    LOG.debugf("AP %s did not say its speed: %s", urls.get(ap), e.getMessage());
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } finally {
                    asking[ap].set(false);
                  }
                });
      }
    }
  }

  /** Takes AP {@code m}'s speed on this gateway's model from a status it answered. */
  void take(int m, ApStatus status) {
    if (m < asking.length) {
      apSpeed.prior(m, status.apFlopsPerCycle().getOrDefault(model, 0.0));
    }
  }
}
