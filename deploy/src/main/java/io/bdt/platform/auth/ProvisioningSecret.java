package io.bdt.platform.auth;

import io.bdt.pki.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret of the platform's device provisioning profile: 256 random bits made on a data
 * directory's first start in the owner-only file {@code <data dir>/auth/provisioning-secret}
 * (written under a temporary name created owner-only, then moved into place), and read from it on
 * every later start. Each data directory has its own; none is in the code.
 */
public final class ProvisioningSecret {

  /** The file under the data directory. */
  public static final String FILE = "auth/provisioning-secret";

  private ProvisioningSecret() {}

  /** The secret of data directory {@code dir}, made on its first call. */
  public static String openOrCreate(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      Pem.writeSecret(file, HexFormat.of().formatHex(secret) + "\n");
    }
    String secret = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (secret.isEmpty()) {
      throw new IOException(file + " is empty: delete it to make a new provisioning secret");
    }
    return secret;
  }
}
