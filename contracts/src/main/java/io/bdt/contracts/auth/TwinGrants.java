package io.bdt.contracts.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The twin grants a token carries in its {@value #CLAIM} claim: read or write on namespaces or
 * single things. They narrow what the token's roles allow on twins, never widen it; a token without
 * the claim is not narrowed (its roles cover every namespace). An empty list grants no twin at all.
 *
 * @param grants the grants, in the token's order
 */
public record TwinGrants(List<TwinGrant> grants) {

  /** The JWT claim that holds the grants: a JSON array of strings such as {@code "read:bdt"}. */
  public static final String CLAIM = "twin_grants";

  public TwinGrants {
    grants = List.copyOf(grants);
  }

  /** Parses each text with {@link TwinGrant#parse}; throws naming the first bad one. */
  public static TwinGrants parse(Collection<String> texts) {
    List<TwinGrant> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(TwinGrant.parse(t));
    }
    return new TwinGrants(out);
  }

  /** Whether some grant lets its holder do {@code wanted} to thing {@code thingId}. */
  public boolean allows(TwinGrant.Access wanted, String thingId) {
    for (TwinGrant g : grants) {
      if (g.allows(wanted, thingId)) {
        return true;
      }
    }
    return false;
  }

  /** Whether some grant lets its holder read the namespace or at least one thing in it. */
  public boolean readsIn(String namespace) {
    for (TwinGrant g : grants) {
      if (g.namespace().equals(namespace)) {
        return true;
      }
    }
    return false;
  }

  /** The text forms, as they go into the claim. */
  public List<String> texts() {
    return grants.stream().map(TwinGrant::toString).toList();
  }
}
