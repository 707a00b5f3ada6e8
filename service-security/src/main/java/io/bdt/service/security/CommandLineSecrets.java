package io.bdt.service.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses to start a service whose JVM command line sets one of its secret settings ({@code
 * bdt.security.secret-settings}, e.g. {@code -Dbdt.ap.key=...}): every local user can read a
 * command line in {@code /proc/PID/cmdline}, so secrets come from files or the environment
 * (docs/security.md, "Keys off command lines"). Runs before the service's other start work, so
 * nothing is done with a secret that arrived that way.
 */
@ApplicationScoped
public class CommandLineSecrets {

  /** The setting that names a service's secret settings ({@code *} stands for one name part). */
  static final String SETTING = "bdt.security.secret-settings";

  void check(
      @Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent ev,
      @ConfigProperty(name = SETTING) Optional<List<String>> secretSettings) {
    refusal(
            ManagementFactory.getRuntimeMXBean().getInputArguments(),
            secretSettings.orElse(List.of()))
        .ifPresent(
            message -> {
              throw new IllegalStateException(message);
            });
  }

  /**
   * Why a JVM started with {@code jvmArguments} must not run, given the names of its secret
   * settings ({@code *} matching one part of a dotted name), or empty. Never repeats a value.
   */
  static Optional<String> refusal(List<String> jvmArguments, List<String> secretSettings) {
    List<Pattern> secrets = new ArrayList<>();
    for (String s : secretSettings) {
      if (!s.isBlank()) {
        secrets.add(Pattern.compile(Pattern.quote(s.strip()).replace("*", "\\E[^.=]+\\Q")));
      }
    }
    for (String arg : jvmArguments) {
      if (!arg.startsWith("-D")) {
        continue;
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
      for (Pattern secret : secrets) {
        if (secret.matcher(name).matches()) {
          return Optional.of(
              name
                  + " is set on the command line (-D"
                  + name
                  + "=...), where every user of this machine can read it in /proc/PID/cmdline:"
                  + " give it in the environment ("
                  + environmentName(name)
                  + ") or, where the service has one, in a file setting (e.g. "
                  + name
                  + "-file)");
        }
      }
    }
    return Optional.empty();
  }

  /** The environment variable MicroProfile Config reads {@code name} from. */
  public static String environmentName(String name) {
    return name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }
}
