package io.bdt.consensus.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Set;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

/**
 * A private key in a file of its own: written owner-only from the first byte (created with mode
 * 0600 under a temporary name, then renamed into place, so no reader ever sees it with wider
 * permissions or half-written), and read back as a secp256k1 key from its hex text ({@code 0x}
 * optional, surrounding whitespace ignored).
 */
public final class KeyFile {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private KeyFile() {}

  /** Writes {@code text} to {@code file}, readable and writable by its owner only. */
  public static void writeOwnerOnly(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    Path tmp =
        posix
            ? Files.createTempFile(
                dir,
                "." + file.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY))
            : Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes the private key of {@code key} as 0x-prefixed hex, owner-only. */
  public static void write(Path file, Credentials key) throws IOException {
    writeOwnerOnly(file, String.format("0x%064x%n", key.getEcKeyPair().getPrivateKey()));
  }

  /**
   * The key in {@code file}; if the file does not exist, a new random key ({@link #generate})
   * written there owner-only first.
   */
  public static Credentials openOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return read(file);
    }
    Credentials key = generate();
    write(file, key);
    return key;
  }

  /** A new secp256k1 key from the JDK's secure random source. */
  public static Credentials generate() {
    try {
      return Credentials.create(Keys.createEcKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a secp256k1 key: " + e, e);
    }
  }

  /**
   * Reads the hex private key in {@code file}.
   *
   * @throws IOException naming the file when it cannot be read or holds no 32-byte hex key
   */
  public static Credentials read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new IOException("key file " + file + ": cannot read (" + e.getMessage() + ")", e);
    }
    String hex = Numeric.cleanHexPrefix(text);
    if (!hex.matches("[0-9a-fA-F]{1,64}")) {
      throw new IOException(
          "key file " + file + ": expected a hex private key (64 hex digits, 0x optional)");
    }
    return Credentials.create(hex);
  }

  /** Whether {@code file}'s group or others may read or write it (false off POSIX). */
  public static boolean readableByOthers(Path file) throws IOException {
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return false;
    }
    Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
    return p.stream()
        .anyMatch(x -> !OWNER_ONLY.contains(x) && x != PosixFilePermission.OWNER_EXECUTE);
  }
}
