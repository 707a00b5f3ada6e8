package io.bdt.platform.netns;

import io.bdt.cli.Bdt;
import io.bdt.consensus.keys.KeyFile;
import io.bdt.pki.PlatformCa;
import io.bdt.pki.RevocationList;
import io.bdt.platform.auth.TokenKeys;
import io.bdt.platform.contracts.ContractsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A new network for an overlay, made locally as {@code deploy/k8s/new-network.sh} makes it for a
 * cluster: {@code network/} holds what {@code bdt contracts network} plans (genesis, contracts,
 * every key), {@code files/NAME/} what Secret or ConfigMap {@code NAME} would hold (the directories
 * {@link OverlayPods} maps the pods' mounts to): {@code bdt-genesis}, {@code ap-keys}, {@code
 * gateway-keys} (with each gateway's MQTT password), {@code gateway-profiles} (the device
 * provisioning profile's secret, 256 random bits as hex), {@code mosquitto-admin}, {@code bdt-tls}
 * (a CA and one server certificate for the given names), {@code mosquitto-crl} (that CA's empty
 * revocation list), {@code ap-p2p-tls} ({@code peer-certs.sh}) and {@code bdt-jwt} (the token keys'
 * public half). Keys and passwords are written owner-only.
 *
 * @param network the planned network: genesis.json, contracts.env, deployer and admin keys
 * @param files one directory per Secret or ConfigMap
 * @param contracts the planned contracts (what the {@code bdt-contracts} ConfigMap holds)
 * @param tokens the token signing keys whose public half is in {@code bdt-jwt}
 */
public record ProdNetwork(Path network, Path files, ContractsFile contracts, TokenKeys tokens) {

  /** The Secret of the device profiles' provisioning secrets ({@code new-network.sh}). */
  public static final String PROFILES_SECRET = "gateway-profiles";

  /**
   * Its entry for the shipped profile, read into {@code
   * bdt.gateway.profiles.vibration-sensor.secret}.
   */
  public static final String PROFILE_SECRET_KEY = "vibration-sensor.secret";

  /**
   * Makes the network in {@code work} for {@code aps} APs and {@code gateways} gateways; the server
   * certificate names {@code localhost}, the Services {@code ap} and {@code gateway}, and {@code
   * serverNames} (host names or addresses).
   */
  public static ProdNetwork create(
      Path root, Path work, int aps, int gateways, long baseDifficulty, List<String> serverNames)
      throws IOException, InterruptedException {
    Path network = work.resolve("network");
    Path files = work.resolve("files");
    String[] plan = {
      "contracts",
      "network",
      "--out=" + network,
      "--aps=" + aps,
      "--gateways=" + gateways,
      "--base-difficulty=" + baseDifficulty
    };
    if (Bdt.commandLine().execute(plan) != 0) {
      throw new IOException("bdt contracts network failed (its output is above)");
    }
    ContractsFile contracts = ContractsFile.read(network.resolve(ContractsFile.NAME));
    Path genesis = Files.createDirectories(files.resolve("bdt-genesis"));
    Files.copy(network.resolve("genesis.json"), genesis.resolve("genesis.json"));
    Path apKeys = Files.createDirectories(files.resolve("ap-keys"));
    for (int i = 0; i < aps; i++) {
      KeyFile.write(
          apKeys.resolve("ap-" + i + ".key"), KeyFile.read(network.resolve("ap-" + i + ".key")));
    }
    Path gatewayKeys = Files.createDirectories(files.resolve("gateway-keys"));
    SecureRandom random = new SecureRandom();
    for (int n = 0; n < gateways; n++) {
      KeyFile.write(
          gatewayKeys.resolve("gateway-" + n + ".key"),
          KeyFile.read(network.resolve("gateway-" + n + ".key")));
      KeyFile.writeOwnerOnly(
          gatewayKeys.resolve("gateway-" + n + ".mqtt-password"), password(random));
    }
    // the device provisioning profile's secret, which every gateway reads from its environment
    byte[] profileSecret = new byte[32];
    random.nextBytes(profileSecret);
    KeyFile.writeOwnerOnly(
        Files.createDirectories(files.resolve(PROFILES_SECRET)).resolve(PROFILE_SECRET_KEY),
        HexFormat.of().formatHex(profileSecret));
    Path admin = Files.createDirectories(files.resolve("mosquitto-admin"));
    Files.writeString(admin.resolve("username"), "bdt-admin");
    KeyFile.writeOwnerOnly(admin.resolve("password"), password(random));

    PlatformCa ca =
        PlatformCa.openOrCreate(
            work.resolve("ca"), "B-DT network CA", Duration.ofDays(30), Clock.systemUTC());
    List<String> names = new ArrayList<>(List.of("localhost", "ap", "gateway"));
    names.addAll(serverNames);
    Path tls = Files.createDirectories(files.resolve("bdt-tls"));
    ca.issueServer(names, Duration.ofDays(30))
        .write(tls.resolve("server.pem"), tls.resolve("server-key.pem"));
    Files.copy(ca.certificateFile(), tls.resolve("ca.pem"));
    // the CA's certificate revocation list for Mosquitto's certificate listener (crlfile), empty
    RevocationList crl = RevocationList.open(ca, Clock.systemUTC());
    crl.write(Duration.ofDays(30));
    Files.copy(
        crl.file(), Files.createDirectories(files.resolve("mosquitto-crl")).resolve("crl.pem"));
    Path p2p = Files.createDirectories(files.resolve("ap-p2p-tls"));
    Files.copy(ca.certificateFile(), p2p.resolve("ca.pem"));
    Process certs =
        new ProcessBuilder(
                root.resolve("deploy/k8s/peer-certs.sh").toString(),
                ca.certificateFile().toString(),
                ca.dir().resolve(PlatformCa.KEY_FILE).toString(),
                Integer.toString(aps),
                p2p.toString())
            .redirectErrorStream(true)
            .start();
    String said = new String(certs.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!certs.waitFor(60, TimeUnit.SECONDS) || certs.exitValue() != 0) {
      throw new IOException("peer-certs.sh failed: " + said.strip());
    }
    TokenKeys tokens = TokenKeys.openOrCreate(work.resolve("token"));
    Files.createDirectories(files.resolve("bdt-jwt"));
    Files.copy(tokens.publicKeyFile(), files.resolve("bdt-jwt/jwt-public.pem"));
    return new ProdNetwork(network, files, contracts, tokens);
  }

  /**
   * The device provisioning profile's secret as the {@code gateway-profiles} Secret holds it (what
   * a fleet's operator provisions devices with).
   */
  public String profileSecret() throws IOException {
    return Files.readString(
        files.resolve(PROFILES_SECRET).resolve(PROFILE_SECRET_KEY), StandardCharsets.US_ASCII);
  }

  /** A random password as {@code new-network.sh} makes them (24 random bytes, URL-safe text). */
  private static String password(SecureRandom random) {
    byte[] b = new byte[24];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
