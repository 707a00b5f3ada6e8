package io.bdt.service.security;

import io.bdt.contracts.auth.Roles;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Opens the reads to callers without a token when {@code bdt.auth.anonymous-reads=true}: an
 * anonymous caller then holds {@link Roles#TWIN_READER} and nothing else, so writes stay closed.
 * Off by default; a warning says so at start when on.
 */
@ApplicationScoped
public class AnonymousReads implements SecurityIdentityAugmentor {
  private static final Logger LOG = Logger.getLogger(AnonymousReads.class);

  private final boolean open;

  public AnonymousReads(
      @ConfigProperty(name = "bdt.auth.anonymous-reads", defaultValue = "false") boolean open) {
    this.open = open;
  }

  void warn(@Observes StartupEvent ev) {
    if (open) {
      LOG.warn(
          "bdt.auth.anonymous-reads=true: anyone who reaches this service holds "
              + Roles.TWIN_READER
              + " without a token (reads only: writes, and on an AP offloads and receipts, still"
              + " need a token or a registered gateway's signature)");
    }
  }

  @Override
  public Uni<SecurityIdentity> augment(
      SecurityIdentity identity, AuthenticationRequestContext context) {
    if (!open || !identity.isAnonymous()) {
      return Uni.createFrom().item(identity);
    }
    return Uni.createFrom()
        .item(QuarkusSecurityIdentity.builder(identity).addRole(Roles.TWIN_READER).build());
  }
}
