package io.bdt.platform;

import io.bdt.pki.IssuedCertificate;
import io.bdt.pki.Pem;
import io.bdt.pki.PlatformCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bdt pki issue-device}: a device's X.509 client certificate (CN = device id) and key from
 * the platform CA of a data directory, for devices that authenticate to the broker by mutual TLS
 * instead of a password (docs/security.md, "Credentials and where they live").
 */
@Command(
    name = "pki",
    mixinStandardHelpOptions = true,
    description = "The platform CA (DIR/pki, made by ./bdt platform).",
    subcommands = {PkiCommand.IssueDevice.class})
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
}
