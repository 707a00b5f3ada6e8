package io.bdt.platform;

import io.bdt.pki.IssuedCertificate;
import io.bdt.pki.Pem;
import io.bdt.pki.PlatformCa;
import io.bdt.pki.RevocationList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./bdt pki issue-device}: a device's X.509 client certificate (CN = device id) and key from
 * the platform CA of a data directory, for devices that authenticate to the broker by mutual TLS
 * instead of a password (docs/security.md, "Credentials and where they live"); {@code ./bdt pki
 * revoke-device}: puts such a certificate on the CA's revocation list ({@code pki/crl.pem}), which
 * a broker that checks a CRL (Mosquitto's {@code crlfile}) refuses at the handshake once it has
 * reread it; {@code ./bdt pki sign-crl}: writes that list (empty at first) or signs it again before
 * it expires. The last two also take a CA directory of its own ({@code --ca-dir}, e.g. the network
 * CA {@code deploy/k8s/new-network.sh} keeps in {@code OVERLAY/secrets/tls}).
 */
@Command(
    name = "pki",
    mixinStandardHelpOptions = true,
    description = "The platform CA (DIR/pki, made by ./bdt platform).",
    subcommands = {
      PkiCommand.IssueDevice.class,
      PkiCommand.RevokeDevice.class,
      PkiCommand.SignCrl.class
    })
public final class PkiCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Device ids the broker accepts as a certificate's CN (no {@code :}, no {@code /}). */
  static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** Issues one device certificate. */
  @Command(
      name = "issue-device",
      mixinStandardHelpOptions = true,
      description = {
        "Issues a device's client certificate (CN = the device id, valid 397 days) and key from"
            + " the platform CA: OUT/<id>.pem and OUT/<id>-key.pem, both owner-only, each"
            + " written under a temporary name and moved into place.",
        "The device connects to the broker's TLS port with them (no password); the broker"
            + " takes the CN as its identity, so the device must also be provisioned and not"
            + " revoked."
      })
  public static final class IssueDevice implements Callable<Integer> {

    @Option(
        names = {"--data", "--work"},
        description =
            "the platform's data directory (default: the one ./bdt platform uses by default,"
                + " $BDT_DATA or ~/.local/share/bdt/platform)")
    Path work;

    @Option(names = "--device", required = true, description = "the device id")
    String device;

    @Option(names = "--out", description = "where to write the files (default: DIR/pki/clients)")
    Path out;

    @Override
    public Integer call() {
      if (!DEVICE_ID.matcher(device).matches()) {
        System.err.println(
            "pki issue-device: --device "
                + device
                + " is not a device id (letters, digits, . _ -; at most 128)");
        return 2;
      }
      Path pki = DataDirectory.orDefault(work).resolve("pki");
      if (!Files.exists(pki.resolve(PlatformCa.KEY_FILE))) {
        System.err.println(
            "pki issue-device: no platform CA in " + pki + "; start ./bdt platform there first");
        return 1;
      }
      try {
        Path dir = out == null ? pki.resolve("clients") : out;
        Files.createDirectories(dir);
        IssuedCertificate issued =
            PlatformCa.open(pki, Clock.systemUTC()).issueClient(device, PlatformPki.LEAF_VALIDITY);
        Path cert = dir.resolve(device + ".pem");
        Path key = dir.resolve(device + "-key.pem");
        Pem.writePrivateKey(key, issued.key());
        Pem.writeSecret(cert, Pem.encode(issued.chain().toArray()));
        System.out.println(cert);
        System.out.println(key);
        return 0;
      } catch (IOException | RuntimeException e) {
        System.err.println("pki issue-device: " + e.getMessage());
        return 1;
      }
    }
  }

  /** Puts one device certificate on the CA's revocation list. */
  @Command(
      name = "revoke-device",
      mixinStandardHelpOptions = true,
      description = {
        "Adds a device certificate issued by the platform CA to the CA's revocation list"
            + " DIR/pki/crl.pem (signed by the CA, valid 397 days; written under a temporary"
            + " name and moved into place) and prints the file.",
        "Mosquitto's certificate listener (crlfile) refuses the certificate at the TLS handshake"
            + " after it rereads the file: send it SIGHUP. Revoke the device id too (REST or on"
            + " chain): that disconnects it and refuses every certificate naming it on the"
            + " embedded broker."
      })
  public static final class RevokeDevice implements Callable<Integer> {

    @Mixin CaLocation ca;

    @Option(
        names = "--certificate",
        required = true,
        description = "the device's certificate file (PEM, its first certificate is revoked)")
    Path certificate;

    @Override
    public Integer call() {
      return withList(
          "revoke-device",
          ca,
          crl -> {
            X509Certificate revoked = Pem.readCertificate(certificate);
            crl.revoke(revoked, PlatformPki.LEAF_VALIDITY);
          });
    }
  }

  /** Writes the CA's revocation list, or signs it again with a new expiry. */
  @Command(
      name = "sign-crl",
      mixinStandardHelpOptions = true,
      description = {
        "Writes the CA's revocation list crl.pem beside the CA (empty when nothing was revoked),"
            + " or signs the existing one again, valid 397 days from now; atomically, and prints"
            + " the file.",
        "A Mosquitto listener with crlfile needs one before any certificate is revoked, and"
            + " refuses every client certificate once the list's nextUpdate has passed: sign it"
            + " again before."
      })
  public static final class SignCrl implements Callable<Integer> {

    @Mixin CaLocation ca;

    @Override
    public Integer call() {
      return withList("sign-crl", ca, crl -> crl.write(PlatformPki.LEAF_VALIDITY));
    }
  }

  /** Where the CA whose revocation list a command changes keeps its files. */
  static final class CaLocation {
    @Option(
        names = {"--data", "--work"},
        description = "the platform's data directory (default as for issue-device)")
    Path work;

    @Option(
        names = "--ca-dir",
        description =
            "the CA's own directory (ca.pem, ca-key.pem; the CRL is written there), instead of"
                + " DIR/pki: e.g. a Kubernetes network's OVERLAY/secrets/tls")
    Path caDir;

    Path dir() {
      return caDir != null ? caDir : DataDirectory.orDefault(work).resolve("pki");
    }
  }

  /** A change to a revocation list that may fail reading or writing it. */
  private interface CrlChange {
    void apply(RevocationList crl) throws IOException;
  }

  /** Opens the list of the CA {@code ca} locates, applies {@code change}, prints the file. */
  private static int withList(String command, CaLocation ca, CrlChange change) {
    Path pki = ca.dir();
    if (!Files.exists(pki.resolve(PlatformCa.KEY_FILE))) {
      System.err.println(
          "pki "
              + command
              + ": no CA key "
              + PlatformCa.KEY_FILE
              + " in "
              + pki
              + (ca.caDir != null ? "" : "; start ./bdt platform there first"));
      return 1;
    }
    try {
      RevocationList crl =
          RevocationList.open(PlatformCa.open(pki, Clock.systemUTC()), Clock.systemUTC());
      change.apply(crl);
      System.out.println(crl.file());
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("pki " + command + ": " + e.getMessage());
      return 2;
    } catch (IOException | RuntimeException e) {
      System.err.println("pki " + command + ": " + e.getMessage());
      return 1;
    }
  }
}
