package io.bdt.platform.auth;

import io.bdt.contracts.auth.TwinGrants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * The platform's token signing key: an RS256 key pair in {@code DIR/auth/} ({@code
 * jwt-signing-key.pem}, PKCS#8, owner read/write only from the moment it exists; {@code
 * jwt-public.pem}, what the services verify with), made once and reused, and the bearer tokens it
 * signs ({@code iss} {@value #ISSUER}, roles in {@code groups}).
 */
public final class TokenKeys {

  /** The {@code iss} of every token; the services' {@code mp.jwt.verify.issuer}. */
  public static final String ISSUER = "bdt-platform";

  static final String PRIVATE_FILE = "jwt-signing-key.pem";
  static final String PUBLIC_FILE = "jwt-public.pem";

  private final PrivateKey signing;
  private final Path publicKeyFile;

  private TokenKeys(PrivateKey signing, Path publicKeyFile) {
    this.signing = signing;
    this.publicKeyFile = publicKeyFile;
  }

  /** The key pair in {@code dir/auth}, made there first if it is not there yet. */
  public static TokenKeys openOrCreate(Path dir) throws IOException {
    Path auth = dir.resolve("auth");
    Path privateFile = auth.resolve(PRIVATE_FILE);
    if (!Files.exists(privateFile)) {
      create(auth);
    }
    return open(dir);
  }

  /** The existing key pair in {@code dir/auth}; fails naming the file when it is missing. */
  public static TokenKeys open(Path dir) throws IOException {
    Path auth = dir.resolve("auth");
    Path privateFile = auth.resolve(PRIVATE_FILE);
    if (!Files.exists(privateFile)) {
      throw new IOException(
          privateFile + " does not exist: ./bdt platform --data " + dir + " creates it");
    }
    String pem = Files.readString(privateFile, StandardCharsets.US_ASCII);
    try {
      PrivateKey key =
          KeyFactory.getInstance("RSA")
              .generatePrivate(new PKCS8EncodedKeySpec(decode(pem, "PRIVATE KEY", privateFile)));
      return new TokenKeys(key, auth.resolve(PUBLIC_FILE));
    } catch (GeneralSecurityException e) {
      throw new IOException(privateFile + ": not an RSA PKCS#8 private key: " + e.getMessage(), e);
    }
  }

  /**
   * Writes a new key pair: the private key goes to a temporary file created owner-only (no window
   * in which another user could open it), then is moved into place atomically.
   */
  private static void create(Path auth) throws IOException {
    Files.createDirectories(
        auth, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    KeyPair pair;
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      pair = g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is part of every JDK", e);
    }
    Path tmp =
        Files.createTempFile(
            auth,
            ".jwt-signing-key",
            ".tmp",
            PosixFilePermissions.asFileAttribute(
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
    try {
      Files.writeString(tmp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      try {
        Files.move(tmp, auth.resolve(PRIVATE_FILE), StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException raced) {
        // another launcher made it first: use theirs
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    writePublic(auth);
  }

  /** Writes (again) the public key of the private key in {@code auth}. */
  private static void writePublic(Path auth) throws IOException {
    TokenKeys keys = open(auth.getParent());
    Path tmp = Files.createTempFile(auth, ".jwt-public", ".tmp");
    Files.writeString(tmp, pem("PUBLIC KEY", keys.publicKey().getEncoded()));
    Files.move(
        tmp,
        auth.resolve(PUBLIC_FILE),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** The public key, derived from the private one. */
  public PublicKey publicKey() {
    RSAPrivateCrtKey k = (RSAPrivateCrtKey) signing;
    try {
      return KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(k.getModulus(), k.getPublicExponent()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The PEM file the services verify tokens with ({@code mp.jwt.verify.publickey.location}). */
  public Path publicKeyFile() throws IOException {
    if (!Files.exists(publicKeyFile)) {
      writePublic(publicKeyFile.getParent());
    }
    return publicKeyFile;
  }

  /**
   * A signed token for {@code subject} with {@code roles}, valid from now for {@code ttl}, not
   * narrowed by twin grants.
   */
  public String issue(String subject, List<String> roles, Duration ttl, Instant now) {
    return issue(subject, roles, null, ttl, now);
  }

  /**
   * A signed token for {@code subject} with {@code roles} narrowed to {@code grants} on twins (in
   * the {@value TwinGrants#CLAIM} claim; {@code null}: no claim, the roles cover every namespace),
   * valid from now for {@code ttl}.
   */
  public String issue(
      String subject, List<String> roles, TwinGrants grants, Duration ttl, Instant now) {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(ISSUER);
    claims.setSubject(subject);
    claims.setClaim("upn", subject);
    claims.setStringListClaim("groups", roles);
    if (grants != null) {
      claims.setStringListClaim(TwinGrants.CLAIM, grants.texts());
    }
    claims.setIssuedAt(NumericDate.fromMilliseconds(now.toEpochMilli()));
    claims.setExpirationTime(NumericDate.fromMilliseconds(now.plus(ttl).toEpochMilli()));
    claims.setGeneratedJwtId();
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(signing);
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    jws.setHeader("typ", "JWT");
    try {
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException("signing a token: " + e.getMessage(), e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static byte[] decode(String pem, String type, Path file) throws IOException {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw new IOException(file + ": no " + begin + " block");
    }
    return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
  }
}
