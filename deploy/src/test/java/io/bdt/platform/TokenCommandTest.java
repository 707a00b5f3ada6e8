package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.cli.Bdt;
import io.bdt.contracts.auth.TwinGrants;
import io.bdt.platform.auth.TokenKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./bdt token} as a user runs it: the token it prints verifies with the public key file the
 * services are given and carries exactly the roles, subject, expiry and grants asked for; bad input
 * is refused with a message naming it and no token.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TokenCommandTest {
  @TempDir Path dir;

  /** Exit status, standard output and standard error of one {@code ./bdt} run. */
  record Run(int status, String out, String err) {}

  static Run bdt(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Bdt.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(args);
    return new Run(status, out.toString().strip(), err.toString().strip());
  }

  /** {@code ./bdt token --data DIR} with {@code args} (words separated by single spaces). */
  private Run token(String args) {
    List<String> all = new ArrayList<>(List.of("token", "--data", dir.toString()));
    all.addAll(List.of(args.split(" ")));
    return bdt(all.toArray(String[]::new));
  }

  /**
   * The claims of {@code token}, verified as a service verifies it: its public key file, issuer.
   */
  private JwtClaims verified(String token) throws Exception {
    String pem = Files.readString(dir.resolve("auth/jwt-public.pem"));
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PublicKey key =
        KeyFactory.getInstance("RSA")
            .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
    return new JwtConsumerBuilder()
        .setExpectedIssuer("bdt-platform")
        .setRequireExpirationTime()
        .setRequireIssuedAt()
        .setVerificationKey(key)
        .build()
        .processToClaims(token);
  }

  private static long lifetimeMillis(JwtClaims claims) throws Exception {
    return claims.getExpirationTime().getValueInMillis() - claims.getIssuedAt().getValueInMillis();
  }

  @Test
  void printsATokenWithExactlyTheRolesSubjectAndExpiryAskedFor() throws Exception {
    TokenKeys.openOrCreate(dir);
    Run run = token("--role twin-reader,metrics-reader --subject alice --ttl PT8H");

    assertThat(run.status()).as(run.err()).isZero();
    JwtClaims claims = verified(run.out());
    assertThat(claims.getSubject()).isEqualTo("alice");
    assertThat(claims.getClaimValueAsString("upn")).isEqualTo("alice");
    assertThat(claims.getStringListClaimValue("groups"))
        .containsExactly("twin-reader", "metrics-reader");
    assertThat(lifetimeMillis(claims)).isEqualTo(8 * 3600_000L);
    assertThat(claims.hasClaim(TwinGrants.CLAIM)).as("no --grant: no grants claim").isFalse();
  }

  @Test
  void ttlInSecondsAndRepeatedRolesWork() throws Exception {
    TokenKeys.openOrCreate(dir);
    Run run = token("--role twin-writer --role device-admin --subject bob --ttl 90");
    assertThat(run.status()).as(run.err()).isZero();
    JwtClaims claims = verified(run.out());
    assertThat(claims.getStringListClaimValue("groups"))
        .containsExactly("twin-writer", "device-admin");
    assertThat(lifetimeMillis(claims)).isEqualTo(90_000L);
  }

  @Test
  void grantsGoIntoTheTwinGrantsClaimInTheirOrder() throws Exception {
    TokenKeys.openOrCreate(dir);
    Run run = token("--role twin-writer --subject carol --grant read:bdt --grant write:bdt:vib-3");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(verified(run.out()).getStringListClaimValue(TwinGrants.CLAIM))
        .containsExactly("read:bdt", "write:bdt:vib-3");
  }

  @Test
  void anUnknownRoleIsRefusedNamingItAndTheRolesThereAre() throws Exception {
    TokenKeys.openOrCreate(dir);
    Run run = token("--role admin --subject eve");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .contains("--role admin is not one of")
        .contains("twin-reader", "twin-writer", "device-admin", "metrics-reader", "operator");
  }

  @Test
  void badGrantsTtlsAndSubjectsAreRefusedNamingWhatIsWrong() throws Exception {
    TokenKeys.openOrCreate(dir);
    Run grant = token("--role twin-reader --subject e --grant bdt");
    assertThat(grant.status()).isEqualTo(2);
    assertThat(grant.err()).contains("--grant: grant bdt: expected read:NAMESPACE");
    Run access = token("--role twin-reader --subject e --grant own:b");
    assertThat(access.err()).contains("access must be read or write, got own");
    Run ttl = token("--role twin-reader --subject e --ttl 1h");
    assertThat(ttl.status()).isEqualTo(2);
    assertThat(ttl.err()).contains("--ttl 1h is neither seconds nor an ISO-8601 duration");
    Run zero = token("--role twin-reader --subject e --ttl 0");
    assertThat(zero.err()).contains("--ttl must be positive");
    Run blank = bdt("token", "--data", dir.toString(), "--role", "twin-reader", "--subject", " ");
    assertThat(blank.err()).contains("--subject must not be blank");
    for (Run r : List.of(grant, access, ttl, zero, blank)) {
      assertThat(r.out()).as("no token printed").isEmpty();
    }
  }

  @Test
  void withoutTheKeyFileItNamesTheFileAndTheCommandThatMakesIt() {
    Run run = token("--role operator --subject x");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("jwt-signing-key.pem does not exist").contains("./bdt platform");
  }

  /** Option names that would mean a secret on the command line unless the option is a file. */
  static final java.util.regex.Pattern SECRET =
      java.util.regex.Pattern.compile(
          "(?i)key|secret|passw|passphrase|private|mnemonic|credential|token");

  /** Options of {@code cl} and its subcommands that take a secret's value rather than a file. */
  static List<String> secretValueOptions(CommandLine cl, String path) {
    List<String> out = new ArrayList<>();
    for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
      boolean secretName = false;
      for (String n : o.names()) {
        secretName |= SECRET.matcher(n).find();
      }
      Class<?> type = o.auxiliaryTypes().length > 0 ? o.auxiliaryTypes()[0] : o.type();
      boolean file = Path.class.isAssignableFrom(type) || java.io.File.class.equals(type);
      if (secretName && !file) {
        out.add(path + " " + o.longestName());
      }
    }
    cl.getSubcommands()
        .forEach((name, sub) -> out.addAll(secretValueOptions(sub, path + " " + name)));
    return out;
  }

  @CommandLine.Command(name = "leaky")
  static final class Leaky {
    @CommandLine.Option(names = "--private-key")
    String key;

    @CommandLine.Option(names = "--keys-file")
    Path keys;
  }

  @Test
  void noCommandTakesAKeyOrSecretAsAValueOnlyAsAFile() {
    // the rule catches what it is for
    assertThat(secretValueOptions(new CommandLine(new Leaky()), "leaky"))
        .containsExactly("leaky --private-key");

    assertThat(secretValueOptions(Bdt.commandLine(), "bdt")).isEmpty();
    // the commands that need a key read it from a file
    assertThat(
            Bdt.commandLine()
                .getSubcommands()
                .get("contracts")
                .getSubcommands()
                .get("deploy")
                .getCommandSpec()
                .findOption("--keys")
                .type())
        .isEqualTo(Path.class);
  }
}
