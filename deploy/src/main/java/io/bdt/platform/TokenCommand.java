package io.bdt.platform;

import io.bdt.contracts.auth.Roles;
import io.bdt.platform.auth.TokenKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
    for (String role : roles) {
      if (!Roles.ALL.contains(role)) {
        System.err.println("token: --role " + role + " is not one of " + Roles.ALL);
        return 2;
      }
    }
    if (subject.isBlank()) {
      System.err.println("token: --subject must not be blank");
      return 2;
    }
    Duration validity;
    try {
      validity =
          ttl.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(ttl)) : Duration.parse(ttl);
    } catch (RuntimeException e) {
      System.err.println("token: --ttl " + ttl + " is neither seconds nor an ISO-8601 duration");
      return 2;
    }
    if (validity.isNegative() || validity.isZero()) {
      System.err.println("token: --ttl must be positive, got " + ttl);
      return 2;
    }
    TokenKeys keys;
    try {
      keys = TokenKeys.open(DataDirectory.orDefault(work));
    } catch (java.io.IOException e) {
      System.err.println("token: " + e.getMessage());
      return 1;
    }
    System.out.println(keys.issue(subject, List.copyOf(roles), validity, Instant.now()));
    return 0;
  }
}
