package io.bdt.contracts.auth;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One read or write grant on a twin namespace or on one thing, written {@code read:NAMESPACE},
 * {@code write:NAMESPACE}, {@code read:NAMESPACE:NAME} or {@code write:NAMESPACE:NAME} (thing
 * {@code NAMESPACE:NAME}) in a token's {@value TwinGrants#CLAIM} claim and in {@code ./bdt token
 * --grant}. A write grant includes reading what it covers (docs/security.md, "Twin grants").
 *
 * @param access read, or write (and read)
 * @param namespace the namespace it covers
 * @param name the thing's name within the namespace, or {@code null} for the whole namespace
 */
public record TwinGrant(Access access, String namespace, String name) {

  /** A thing id's namespace: the part before the first {@code :} (Ditto's shape). */
  public static final String NAMESPACE = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

  /** A thing id's name: the part after the first {@code :} (may hold more {@code :}). */
  public static final String NAME = "[A-Za-z0-9._:@-]{1,192}";

  private static final Pattern NAMESPACE_SHAPE = Pattern.compile(NAMESPACE);
  private static final Pattern NAME_SHAPE = Pattern.compile(NAME);

  /** What a grant allows. */
  public enum Access {
    READ,
    WRITE;

    /** Whether holding this allows {@code wanted}: write includes read. */
    boolean allows(Access wanted) {
      return this == WRITE || wanted == READ;
    }
  }

  public TwinGrant {
    Objects.requireNonNull(access, "access");
    if (namespace == null || !NAMESPACE_SHAPE.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "grant namespace must match " + NAMESPACE + ", got " + namespace);
    }
    if (name != null && !NAME_SHAPE.matcher(name).matches()) {
      throw new IllegalArgumentException("grant thing name must match " + NAME + ", got " + name);
    }
  }

  /**
   * Parses {@code read:NAMESPACE[:NAME]} or {@code write:NAMESPACE[:NAME]}; throws {@link
   * IllegalArgumentException} saying what is wrong.
   */
  public static TwinGrant parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("grant is missing");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "grant "
              + text
              + ": expected read:NAMESPACE, write:NAMESPACE, read:NAMESPACE:NAME or"
              + " write:NAMESPACE:NAME");
    }
    Access access =
        switch (text.substring(0, colon).toLowerCase(Locale.ROOT)) {
          case "read" -> Access.READ;
          case "write" -> Access.WRITE;
          default ->
              throw new IllegalArgumentException(
                  "grant "
                      + text
                      + ": access must be read or write, got "
                      + text.substring(0, colon));
        };
    String rest = text.substring(colon + 1);
    int split = rest.indexOf(':');
    try {
      return split < 0
          ? new TwinGrant(access, rest, null)
          : new TwinGrant(access, rest.substring(0, split), rest.substring(split + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("grant " + text + ": " + e.getMessage(), e);
    }
  }

  /** Whether this grant lets its holder do {@code wanted} to thing {@code thingId}. */
  public boolean allows(Access wanted, String thingId) {
    if (!access.allows(wanted) || thingId == null) {
      return false;
    }
    int colon = thingId.indexOf(':');
    if (colon < 0 || !thingId.substring(0, colon).equals(namespace)) {
      return false;
    }
    return name == null || thingId.substring(colon + 1).equals(name);
  }

  /** The text form {@link #parse} reads. */
  @Override
  public String toString() {
    return access.name().toLowerCase(Locale.ROOT)
        + ":"
        + namespace
        + (name == null ? "" : ":" + name);
  }
}
