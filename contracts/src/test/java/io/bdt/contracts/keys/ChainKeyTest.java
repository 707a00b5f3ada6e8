package io.bdt.contracts.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.consensus.keys.KeyFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.WalletUtils;

/** A service finds its chain key in a key file, a keystore with its password, or its config. */
class ChainKeyTest {
  @TempDir Path dir;
  final Credentials key = create();

  static Credentials create() {
    try {
      return Credentials.create(Keys.createEcKeyPair());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Web3j keystore (light scrypt parameters, as geth's --lightkdf) of {@link #key}. */
  Path keystore(String password) throws Exception {
    String name = WalletUtils.generateWalletFile(password, key.getEcKeyPair(), dir.toFile(), false);
    return dir.resolve(name);
  }

  @Test
  void readsHexKeyFile() throws Exception {
    Path file = dir.resolve("ap.key");
    KeyFile.write(file, key);

    Optional<Credentials> found =
        ChainKey.resolve("k", Optional.empty(), Optional.of(file), Optional.empty(), n -> null);

    assertThat(found.orElseThrow().getAddress()).isEqualTo(key.getAddress());
  }

  @Test
  void keyFileWinsOverTheConfiguredHexKey() throws Exception {
    Path file = dir.resolve("ap.key");
    KeyFile.write(file, key);
    String other = "0x" + create().getEcKeyPair().getPrivateKey().toString(16);

    Optional<Credentials> found =
        ChainKey.resolve("k", Optional.of(other), Optional.of(file), Optional.empty(), n -> null);

    assertThat(found.orElseThrow().getAddress()).isEqualTo(key.getAddress());
  }

  @Test
  void decryptsKeystoreWithPasswordFile() throws Exception {
    Path store = keystore("s3cret");
    Path password = dir.resolve("password");
    KeyFile.writeOwnerOnly(password, "s3cret\n");

    Optional<Credentials> found =
        ChainKey.resolve(
            "k", Optional.empty(), Optional.of(store), Optional.of(password), n -> null);

    assertThat(found.orElseThrow().getAddress()).isEqualTo(key.getAddress());
  }

  @Test
  void decryptsKeystoreWithPasswordFromEnvironment() throws Exception {
    Path store = keystore("from-env");
    Map<String, String> env = Map.of(ChainKey.PASSWORD_ENV, "from-env");

    Optional<Credentials> found =
        ChainKey.resolve("k", Optional.empty(), Optional.of(store), Optional.empty(), env::get);

    assertThat(found.orElseThrow().getAddress()).isEqualTo(key.getAddress());
  }

  @Test
  void refusesKeystoreWithoutPasswordNamingWhereToPutIt() throws Exception {
    Path store = keystore("s3cret");

    assertThatThrownBy(
            () ->
                ChainKey.resolve(
                    "bdt.ap.key-file",
                    Optional.empty(),
                    Optional.of(store),
                    Optional.empty(),
                    n -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bdt.ap.key-file")
        .hasMessageContaining(ChainKey.PASSWORD_ENV);
  }

  @Test
  void refusesKeystoreWithWrongPassword() throws Exception {
    Path store = keystore("s3cret");
    Path password = dir.resolve("password");
    Files.writeString(password, "wrong");

    assertThatThrownBy(
            () ->
                ChainKey.resolve(
                    "bdt.ap.key-file",
                    Optional.empty(),
                    Optional.of(store),
                    Optional.of(password),
                    n -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bdt.ap.key-file")
        .hasMessageContaining("keystore");
  }

  @Test
  void usesConfiguredHexKeyWhenNoFileIsGiven() {
    String hex = "0x" + key.getEcKeyPair().getPrivateKey().toString(16);

    Optional<Credentials> found =
        ChainKey.resolve("k", Optional.of(hex), Optional.empty(), Optional.empty(), n -> null);

    assertThat(found.orElseThrow().getAddress()).isEqualTo(key.getAddress());
  }
}
