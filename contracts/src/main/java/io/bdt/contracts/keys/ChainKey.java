package io.bdt.contracts.keys;

import io.bdt.consensus.keys.KeyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;
import org.web3j.crypto.exception.CipherException;

/**
 * Where a service finds its chain key, never on a command line: a key file (hex private key,
 * written owner-only by {@code ./bdt platform} or the operator), a Web3j keystore file (the JSON
 * wallet geth and MetaMask export, scrypt or PBKDF2) whose password comes from a password file or
 * the environment variable {@value #PASSWORD_ENV}, or, for containers that inject secrets as
 * variables, the hex key itself from configuration (an environment variable, not a {@code -D}).
 */
public final class ChainKey {
  /** Environment variable holding a keystore's password when no password file is given. */
  public static final String PASSWORD_ENV = "BDT_KEY_PASSWORD";

  private static final Logger LOG = LoggerFactory.getLogger(ChainKey.class);

  private ChainKey() {}

  /**
   * The key from {@code file} if given, else from {@code hex}, else empty.
   *
   * @param setting the configuration name of the key file, named in errors
   * @throws IllegalArgumentException naming {@code setting} and what is wrong (unreadable file, not
   *     a key, keystore without password, wrong password)
   */
  public static Optional<Credentials> resolve(
      String setting, Optional<String> hex, Optional<Path> file, Optional<Path> passwordFile) {
    return resolve(setting, hex, file, passwordFile, System::getenv);
  }

  static Optional<Credentials> resolve(
      String setting,
      Optional<String> hex,
      Optional<Path> file,
      Optional<Path> passwordFile,
      UnaryOperator<String> env) {
    if (file.isPresent()) {
      try {
        return Optional.of(read(file.get(), passwordFile, env));
      } catch (IOException e) {
        throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
      }
    }
    return hex.filter(h -> !h.isBlank()).map(Credentials::create);
  }

  /** Reads a hex key file or a keystore file (JSON) with its password. */
  static Credentials read(Path file, Optional<Path> passwordFile, UnaryOperator<String> env)
      throws IOException {
    if (KeyFile.readableByOthers(file)) {
      LOG.warn("key file {} is readable by other users: chmod 600 it", file);
    }
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (!text.startsWith("{")) {
      return KeyFile.read(file);
    }
    String password =
        passwordFile.isPresent()
            ? Files.readString(passwordFile.get(), StandardCharsets.UTF_8).strip()
            : env.apply(PASSWORD_ENV);
    if (password == null) {
      throw new IOException(
          "keystore " + file + " needs its password: give a password file or set " + PASSWORD_ENV);
    }
    try {
      return WalletUtils.loadCredentials(password, file.toFile());
    } catch (CipherException e) {
      throw new IOException("keystore " + file + ": " + e.getMessage(), e);
    }
  }
}
