package io.bdt.ap.chain;

import io.bdt.consensus.keys.KeyFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Credentials;

/**
 * The chain keys of a one-machine platform: its ledger admins, the contracts' deployer, its APs and
 * its gateways, each generated at random. {@link #openOrCreate} keeps them in owner-only key files
 * (one per key, {@link KeyFile}) so a platform continues with the keys its genesis and contracts
 * name.
 */
public record PlatformKeys(
    List<Credentials> admins,
    Credentials deployer,
    List<Credentials> aps,
    List<Credentials> gateways) {

  /** How many admins the ReputationLedger has (2 of them approve). */
  public static final int ADMINS = 3;

  public PlatformKeys {
    admins = List.copyOf(admins);
    aps = List.copyOf(aps);
    gateways = List.copyOf(gateways);
    if (admins.size() != ADMINS) {
      throw new IllegalArgumentException(
          "a platform has " + ADMINS + " admins, got " + admins.size());
    }
  }

  /** AP {@code m}'s key (m = 0, 1, ...). */
  public Credentials ap(int m) {
    return aps.get(m);
  }

  /** Gateway {@code n}'s key (n = 0, 1, ...). */
  public Credentials gateway(int n) {
    return gateways.get(n);
  }

  /** Fresh random keys for {@code aps} APs and {@code gateways} gateways, kept nowhere. */
  public static PlatformKeys generate(int aps, int gateways) {
    List<Credentials> admins = new ArrayList<>();
    for (int i = 0; i < ADMINS; i++) {
      admins.add(KeyFile.generate());
    }
    List<Credentials> a = new ArrayList<>();
    for (int m = 0; m < aps; m++) {
      a.add(KeyFile.generate());
    }
    List<Credentials> g = new ArrayList<>();
    for (int n = 0; n < gateways; n++) {
      g.add(KeyFile.generate());
    }
    return new PlatformKeys(admins, KeyFile.generate(), a, g);
  }

  /** The file AP {@code m}'s key is kept in under {@code dir}. */
  public static Path apFile(Path dir, int m) {
    return dir.resolve("ap" + m + ".key");
  }

  /** The file gateway {@code n}'s key is kept in under {@code dir} (gateway ids count from 1). */
  public static Path gatewayFile(Path dir, int n) {
    return dir.resolve("gw" + (n + 1) + ".key");
  }

  /**
   * The keys kept in {@code dir}: each read from its file, or generated at random and written
   * owner-only from its first byte if the file does not exist yet.
   */
  public static PlatformKeys openOrCreate(Path dir, int aps, int gateways) throws IOException {
    List<Credentials> admins = new ArrayList<>();
    for (int i = 0; i < ADMINS; i++) {
      admins.add(KeyFile.openOrCreate(dir.resolve("admin" + (i + 1) + ".key")));
    }
    Credentials deployer = KeyFile.openOrCreate(dir.resolve("deployer.key"));
    List<Credentials> a = new ArrayList<>();
    for (int m = 0; m < aps; m++) {
      a.add(KeyFile.openOrCreate(apFile(dir, m)));
    }
    List<Credentials> g = new ArrayList<>();
    for (int n = 0; n < gateways; n++) {
      g.add(KeyFile.openOrCreate(gatewayFile(dir, n)));
    }
    return new PlatformKeys(admins, deployer, a, g);
  }
}
