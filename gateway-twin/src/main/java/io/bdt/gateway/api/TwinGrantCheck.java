package io.bdt.gateway.api;

import io.bdt.contracts.auth.TwinGrant;
import io.bdt.contracts.auth.TwinGrants;
import io.bdt.service.security.AuthRefusals;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Decides, for the caller of one request, whether its token's twin grants ({@value
 * TwinGrants#CLAIM}) let it read or write a thing, after its roles have let it call the endpoint. A
 * caller without the claim (an older token, the admin token, an anonymous reader) is not narrowed;
 * a claim that is not a list of grants refuses every twin (docs/security.md, "Twin grants").
 * Refusals are 403 problems with a {@code reason}, counted by {@link AuthRefusals}.
 */
@RequestScoped
public class TwinGrantCheck {
  static final String MISSING = "missing-grant";
  static final String INVALID = "invalid-grants";

  private final SecurityIdentity caller;
  private final AuthRefusals refusals;
  private Parsed parsed;

  /** The caller's grants: none (not narrowed), parsed, or the reason the claim is unusable. */
  private record Parsed(Optional<TwinGrants> grants, String invalid) {}

  public TwinGrantCheck(SecurityIdentity caller, AuthRefusals refusals) {
    this.caller = caller;
    this.refusals = refusals;
  }

  /** A 403 if the caller may not do {@code access} to {@code thingId}, else empty. */
  public Optional<Response> refusal(TwinGrant.Access access, String thingId) {
    return check(
        g -> g.allows(access, thingId),
        " do not allow " + access.name().toLowerCase(java.util.Locale.ROOT) + " on " + thingId);
  }

  /**
   * A 403 if the caller may read nothing in {@code namespace} (a search confined to it), else
   * empty; {@code null} (every namespace) is never refused, its results are filtered instead.
   */
  public Optional<Response> searchRefusal(String namespace) {
    return check(
        g -> namespace == null || g.readsIn(namespace),
        " allow reading nothing in namespace " + namespace);
  }

  /** Empty if the caller is not narrowed or {@code allowed} holds for its grants, else a 403. */
  private Optional<Response> check(Predicate<TwinGrants> allowed, String refusedBecause) {
    Parsed p = parsed();
    if (p.invalid() != null) {
      return Optional.of(refuse(INVALID, p.invalid()));
    }
    if (p.grants().isEmpty() || allowed.test(p.grants().get())) {
      return Optional.empty();
    }
    return Optional.of(
        refuse(MISSING, "the token's twin grants " + p.grants().get().texts() + refusedBecause));
  }

  /**
   * Which thing ids the caller may read, as a test that holds no request state (usable on a stream
   * after the request's scope ended).
   */
  public Predicate<String> readable() {
    Parsed p = parsed();
    if (p.invalid() != null) {
      return id -> false;
    }
    return p.grants()
        .<Predicate<String>>map(g -> id -> g.allows(TwinGrant.Access.READ, id))
        .orElse(id -> true);
  }

  private Response refuse(String reason, String error) {
    refusals.forbidden(reason);
    return Response.status(403)
        .type("application/problem+json")
        .entity(Map.of("status", 403, "error", error, "reason", reason))
        .build();
  }

  private Parsed parsed() {
    if (parsed == null) {
      parsed = parse(caller.getPrincipal() instanceof JsonWebToken jwt ? jwt : null);
    }
    return parsed;
  }

  private static Parsed parse(JsonWebToken jwt) {
    if (jwt == null || !jwt.containsClaim(TwinGrants.CLAIM)) {
      return new Parsed(Optional.empty(), null);
    }
    Object claim = jwt.getClaim(TwinGrants.CLAIM);
    List<String> texts = new ArrayList<>();
    if (claim instanceof JsonArray array) {
      for (JsonValue v : array) {
        if (!(v instanceof JsonString s)) {
          return invalid("holds " + v + ", not a string");
        }
        texts.add(s.getString());
      }
    } else if (claim instanceof Collection<?> values) {
      for (Object v : values) {
        texts.add(v instanceof JsonString s ? s.getString() : String.valueOf(v));
      }
    } else if (claim instanceof JsonString || claim instanceof String) {
      // one string of grants separated by spaces, as an OAuth scope (a single-valued mapper)
      String all = claim instanceof JsonString s ? s.getString() : (String) claim;
      for (String t : all.trim().split("\\s+")) {
        if (!t.isEmpty()) {
          texts.add(t);
        }
      }
    } else {
      return invalid("is " + claim + ", not a list of grants");
    }
    try {
      return new Parsed(Optional.of(TwinGrants.parse(texts)), null);
    } catch (IllegalArgumentException e) {
      return invalid(e.getMessage());
    }
  }

  private static Parsed invalid(String why) {
    return new Parsed(
        Optional.empty(), "the token's " + TwinGrants.CLAIM + " claim is unusable: " + why);
  }
}
