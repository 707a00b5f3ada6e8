package io.bdt.platform;

import io.bdt.contracts.auth.Roles;
import io.bdt.contracts.auth.TwinGrants;
import io.bdt.platform.auth.TokenKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./bdt token}: a bearer token for the platform's REST APIs, signed with its key. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a bearer token for the gateways' and APs' REST APIs, signed with the platform's key"
          + " (DIR/auth/jwt-signing-key.pem, made by ./bdt platform).",
      "Use it as: curl --cacert DIR/pki/ca.pem -H \"Authorization: Bearer $(./bdt token --role"
          + " twin-reader --subject alice)\" https://127.0.0.1:8080/twins"
    })
public final class TokenCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"--data", "--work"},
      description =
          "the platform's data directory (default: the one ./bdt platform uses by default,"
              + " $BDT_DATA or ~/.local/share/bdt/platform)")
  Path work;

  @Option(
      names = "--role",
      required = true,
      split = ",",
      description =
          "twin-reader, twin-writer, device-admin, metrics-reader or operator (repeatable or a,b)")
  List<String> roles = new ArrayList<>();

  @Option(
      names = "--grant",
      paramLabel = "ACCESS:NAMESPACE[:NAME]",
      description = {
        "narrows the token's twin roles to these twins (repeatable): read:NAMESPACE,"
            + " write:NAMESPACE (includes read), read:NAMESPACE:NAME or write:NAMESPACE:NAME (thing"
            + " NAMESPACE:NAME), e.g. --grant read:bdt --grant write:bdt:vib-3.",
        "Without --grant the roles cover every namespace."
      })
  List<String> grants = new ArrayList<>();

  @Option(names = "--subject", required = true, description = "who the token is for")
  String subject;

  @Option(
      names = "--ttl",
      defaultValue = "PT1H",
      description =
          "how long it is valid, ISO-8601 (PT15M, PT8H, P7D) or seconds (${DEFAULT-VALUE})")
  String ttl;

  @Override
  public Integer call() throws Exception {
    java.io.PrintWriter err = spec.commandLine().getErr();
    for (String role : roles) {
      if (!Roles.ALL.contains(role)) {
        err.println("token: --role " + role + " is not one of " + Roles.ALL);
        return 2;
      }
    }
    TwinGrants twinGrants = null;
    if (!grants.isEmpty()) {
      try {
        twinGrants = TwinGrants.parse(grants);
      } catch (IllegalArgumentException e) {
        err.println("token: --grant: " + e.getMessage());
        return 2;
      }
    }
    if (subject.isBlank()) {
      err.println("token: --subject must not be blank");
      return 2;
    }
    Duration validity;
    try {
      validity =
          ttl.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(ttl)) : Duration.parse(ttl);
    } catch (RuntimeException e) {
      err.println("token: --ttl " + ttl + " is neither seconds nor an ISO-8601 duration");
      return 2;
    }
    if (validity.isNegative() || validity.isZero()) {
      err.println("token: --ttl must be positive, got " + ttl);
      return 2;
    }
    TokenKeys keys;
    try {
      keys = TokenKeys.open(DataDirectory.orDefault(work));
    } catch (java.io.IOException e) {
      err.println("token: " + e.getMessage());
      return 1;
    }
    java.io.PrintWriter out = spec.commandLine().getOut();
    out.println(keys.issue(subject, List.copyOf(roles), twinGrants, validity, Instant.now()));
    out.flush();
    return 0;
  }
}
