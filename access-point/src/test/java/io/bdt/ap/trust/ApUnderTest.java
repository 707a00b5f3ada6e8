package io.bdt.ap.trust;

import io.bdt.ap.chain.PlatformChain;
import io.bdt.ap.chain.TestPlatformKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Test resource: the AP service as AP 0 of a one-AP platform chain (its own node on free ports, a
 * fresh data directory) and a token issuer whose public key the AP verifies bearer tokens with.
 */
public class ApUnderTest implements QuarkusTestResourceLifecycleManager {
  static volatile int rpcPort;
  static volatile KeyPair tokenKeys;

  @Override
  public Map<String, String> start() {
    try {
      Path dir = Files.createTempDirectory("bdt-ap-auth-test");
      Path genesis = dir.resolve("genesis.json");
      PlatformChain.genesis(TestPlatformKeys.of(1, 1)).write(genesis);
      tokenKeys = rsa();
      Path publicKey = dir.resolve("jwt-public.pem");
      Files.writeString(
          publicKey,
          "-----BEGIN PUBLIC KEY-----\n"
              + Base64.getMimeEncoder(64, new byte[] {'\n'})
                  .encodeToString(tokenKeys.getPublic().getEncoded())
              + "\n-----END PUBLIC KEY-----\n");
      rpcPort = freePort();
      return Map.ofEntries(
          Map.entry(
              "bdt.ap.key", TestPlatformKeys.ap(0).getEcKeyPair().getPrivateKey().toString(16)),
          Map.entry("bdt.ap.model-cache", dir.resolve("models").toString()),
          Map.entry("bdt.ap.cores", "1"),
          Map.entry("bdt.ap.chain.genesis", genesis.toString()),
          Map.entry("bdt.ap.chain.data", dir.resolve("chain").toString()),
          Map.entry("bdt.ap.chain.rpc-port", Integer.toString(rpcPort)),
          Map.entry("bdt.ap.chain.p2p-port", Integer.toString(freePort())),
          Map.entry("bdt.ap.chain.empty-block-seconds", "1"),
          Map.entry("mp.jwt.verify.publickey.location", publicKey.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {}

  static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token with {@code roles} that expires at {@code expiry}, signed by {@code by}. */
  static String token(KeyPair by, Instant expiry, String... roles) {
    return Jwt.issuer("bdt-platform")
        .subject("tester")
        .groups(Set.of(roles))
        .issuedAt(expiry.minusSeconds(7200))
        .expiresAt(expiry)
        .sign(by.getPrivate());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
