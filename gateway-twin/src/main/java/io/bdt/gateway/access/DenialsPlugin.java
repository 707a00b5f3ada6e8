package io.bdt.gateway.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * B-DT's Mosquitto plugin that reports denied access checks ({@code mosquitto_bdt_denials.c},
 * bundled in this jar beside this class): where it is built, and what its reports on {@link
 * #REPORT} say. Loaded after the dynamic security plugin, it is asked only for the checks no ACL
 * allowed, and publishes them aggregated, at most once a second (the C source says how).
 */
public final class DenialsPlugin {

  /** Where the plugin publishes its reports ({@code $SYS}: no client can publish there). */
  public static final String REPORT = "$SYS/broker/bdt/denied";

  /** The plugin's file name. */
  public static final String FILE = "mosquitto_bdt_denials.so";

  private static final String SOURCE = "mosquitto_bdt_denials.c";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, TopicPolicy.Access> ACCESS =
      Map.of(
          "write", TopicPolicy.Access.PUBLISH,
          "subscribe", TopicPolicy.Access.SUBSCRIBE,
          "read", TopicPolicy.Access.RECEIVE,
          "unsubscribe", TopicPolicy.Access.UNSUBSCRIBE);

  private DenialsPlugin() {}

  /**
   * {@code count} denials of {@code access} by one client to {@code topic} in one report; denials
   * the plugin did not list one by one (beyond its entries per report) have no username, client id
   * or topic.
   *
   * @param username empty when the client had none, or the denial is unlisted
   */
  public record Denial(
      TopicPolicy.Access access,
      Optional<String> username,
      String clientId,
      String topic,
      long count) {

    /** Why the gateway counts it ({@link TopicPolicy#refusalReason}). */
    public Refusal.Reason reason() {
      return TopicPolicy.refusalReason(access, topic);
    }
  }

  /** The denials one report counts (pure). */
  public static List<Denial> parse(byte[] report) throws IOException {
    JsonNode root = JSON.readTree(report);
    List<Denial> denials = new ArrayList<>();
    for (JsonNode d : root.path("denied")) {
      TopicPolicy.Access access = access(d.path("access").asText(""));
      JsonNode username = d.path("username");
      long count = d.path("count").asLong(0);
      if (count < 1) {
        throw new IOException("a listed denial counted " + count + " times in a denials report");
      }
      denials.add(
          new Denial(
              access,
              username.isTextual() ? Optional.of(username.asText()) : Optional.empty(),
              d.path("clientid").asText(""),
              d.path("topic").asText(""),
              count));
    }
    var unlisted = root.path("unlisted").fields();
    while (unlisted.hasNext()) {
      var e = unlisted.next();
      if (e.getValue().asLong(0) > 0) {
        denials.add(
            new Denial(access(e.getKey()), Optional.empty(), "", "", e.getValue().asLong()));
      }
    }
    return denials;
  }

  private static TopicPolicy.Access access(String name) throws IOException {
    TopicPolicy.Access access = ACCESS.get(name);
    if (access == null) {
      throw new IOException("unknown access '" + name + "' in a denials report");
    }
    return access;
  }

  /**
   * The plugin built in {@code dir} from the bundled source with {@code gcc} (headers of Debian's
   * {@code mosquitto-dev} and {@code libmosquitto-dev}), unless {@code dir} already has it from
   * this very source. Safe when several processes build into the same directory at once.
   */
  public static synchronized Path build(Path dir) throws IOException {
    byte[] source;
    try (InputStream in = DenialsPlugin.class.getResourceAsStream(SOURCE)) {
      if (in == null) {
        throw new IOException(
            SOURCE + " is missing from the classpath beside " + DenialsPlugin.class);
      }
      source = in.readAllBytes();
    }
    Files.createDirectories(dir);
    Path plugin = dir.resolve(FILE);
    Path built = dir.resolve(SOURCE);
    if (Files.exists(plugin)
        && Files.exists(built)
        && Arrays.equals(Files.readAllBytes(built), source)) {
      return plugin;
    }
    Path work = Files.createTempDirectory(dir, "build-");
    Path c = Files.write(work.resolve(SOURCE), source);
    Path so = work.resolve(FILE);
    Process gcc =
        new ProcessBuilder(
                "gcc",
                "-O2",
                "-fPIC",
                "-shared",
                "-Wall",
                "-Wextra",
                "-o",
                so.toString(),
                c.toString())
            .redirectErrorStream(true)
            .start();
    String said = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
        gcc.destroyForcibly();
        throw new IOException(
            "gcc could not build "
                + FILE
                + " (apt-get install gcc mosquitto-dev libmosquitto-dev): "
                + said.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      gcc.destroyForcibly();
      throw new IOException("interrupted building " + FILE, e);
    }
    Files.move(so, plugin, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Files.move(c, built, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Files.delete(work);
    return plugin;
  }
}
