package io.bdt.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The platform's certificate authority: an ECDSA P-256 root kept as two PEM files in one directory
 * ({@value #CERT_FILE}, public, and {@value #KEY_FILE}, owner-only), which issues TLS server
 * certificates (brokers, HTTPS services) and client certificates (devices, services) whose subject
 * CN is the holder's id.
 *
 * <p>Rotation: a new CA is a new directory (or the two files removed); every certificate it issued
 * must then be reissued and every peer given the new {@value #CERT_FILE}.
 */
public final class PlatformCa {

  /** The CA certificate, PEM: what every TLS peer trusts. */
  public static final String CERT_FILE = "ca.pem";

  /** The CA private key, PEM, owner read/write only. */
  public static final String KEY_FILE = "ca-key.pem";

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final String SIGNATURE = "SHA256withECDSA";

  private final Path dir;
  private final X509Certificate certificate;
  private final PrivateKey key;
  private final Clock clock;
  private final SecureRandom random;
  private final boolean created;

  private PlatformCa(
      Path dir,
      X509Certificate certificate,
      PrivateKey key,
      Clock clock,
      SecureRandom random,
      boolean created) {
    this.dir = dir;
    this.certificate = certificate;
    this.key = key;
    this.clock = clock;
    this.random = random;
    this.created = created;
  }

  /**
   * Opens the CA in {@code dir}, or creates one there (named {@code name}, valid for {@code
   * validity}) when {@code dir} holds none.
   *
   * @throws IOException when only one of the two files exists, or they do not parse
   */
  public static PlatformCa openOrCreate(Path dir, String name, Duration validity, Clock clock)
      throws IOException {
    Path cert = dir.resolve(CERT_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    boolean hasCert = Files.exists(cert);
    boolean hasKey = Files.exists(keyFile);
    if (hasCert && hasKey) {
      return open(dir, clock);
    }
    if (hasCert || hasKey) {
      throw new IOException(
          dir
              + " holds "
              + (hasCert ? CERT_FILE : KEY_FILE)
              + " but not "
              + (hasCert ? KEY_FILE : CERT_FILE)
              + ": restore the missing file or remove both to create a new CA");
    }
    SecureRandom random = new SecureRandom();
    KeyPair pair = newKeyPair(random);
    Instant now = clock.instant();
    X500Principal subject = new X500Principal("CN=" + name + ", O=B-DT");
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial(random),
                  Date.from(now.minus(Duration.ofMinutes(5))),
                  Date.from(now.plus(validity)),
                  subject,
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert0 = sign(builder, pair.getPrivate());
      Pem.writePrivateKey(keyFile, pair.getPrivate());
      Pem.writeCertificates(cert, List.of(cert0));
      return new PlatformCa(dir, cert0, pair.getPrivate(), clock, random, true);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot build the CA certificate", e);
    }
  }

  /** Opens the existing CA in {@code dir}. */
  public static PlatformCa open(Path dir, Clock clock) throws IOException {
    X509Certificate cert = Pem.readCertificate(dir.resolve(CERT_FILE));
    PrivateKey key = Pem.readPrivateKey(dir.resolve(KEY_FILE));
    return new PlatformCa(dir, cert, key, clock, new SecureRandom(), false);
  }

  /** Whether {@link #openOrCreate} created this CA now (false: it existed). */
  public boolean created() {
    return created;
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate's PEM file. */
  public Path certificateFile() {
    return dir.resolve(CERT_FILE);
  }

  /** The directory holding the CA's files. */
  public Path dir() {
    return dir;
  }

  /**
   * Issues a TLS server certificate for {@code hostNames} (DNS names or IP literals, the first is
   * also the subject CN).
   */
  public IssuedCertificate issueServer(List<String> hostNames, Duration validity) {
    if (hostNames.isEmpty()) {
      throw new IllegalArgumentException("a server certificate needs at least one host name");
    }
    GeneralName[] names =
        hostNames.stream().map(PlatformCa::generalName).toArray(GeneralName[]::new);
    return issue(
        hostNames.getFirst(), validity, KeyPurposeId.id_kp_serverAuth, new GeneralNames(names));
  }

  /**
   * Issues a certificate for a peer that both serves and dials TLS (chain nodes' {@code wss://}):
   * {@code hostNames} as in {@link #issueServer}, for the server and the client purpose.
   */
  public IssuedCertificate issuePeer(List<String> hostNames, Duration validity) {
    if (hostNames.isEmpty()) {
      throw new IllegalArgumentException("a peer certificate needs at least one host name");
    }
    GeneralName[] names =
        hostNames.stream().map(PlatformCa::generalName).toArray(GeneralName[]::new);
    return issue(
        hostNames.getFirst(),
        validity,
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth},
        new GeneralNames(names));
  }

  /** Issues a TLS client certificate whose subject CN is {@code id} (a device or service id). */
  public IssuedCertificate issueClient(String id, Duration validity) {
    return issue(id, validity, KeyPurposeId.id_kp_clientAuth, null);
  }

  /**
   * A CRL signed by this CA naming {@code revoked} (serial number to revocation time), issued now
   * and valid for {@code validity} (its nextUpdate: a TLS server that checks the CRL refuses every
   * client certificate of this CA once it has passed, so it must be signed again before then).
   */
  X509CRL signRevocationList(Map<BigInteger, Instant> revoked, Duration validity) {
    Instant now = clock.instant();
    try {
      // the issuer name exactly as the certificates carry it (encoded, not re-parsed from text)
      X509v2CRLBuilder builder =
          new X509v2CRLBuilder(
                  X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                  Date.from(now))
              .setNextUpdate(Date.from(now.plus(validity)));
      revoked.forEach((serial, at) -> builder.addCRLEntry(serial, Date.from(at), 0));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
      return new JcaX509CRLConverter().getCRL(builder.build(signer));
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("this JVM cannot sign a CRL", e);
    }
  }

  /** Whether this CA signed {@code certificate}. */
  public boolean issued(X509Certificate certificate) {
    if (!certificate.getIssuerX500Principal().equals(this.certificate.getSubjectX500Principal())) {
      return false;
    }
    try {
      certificate.verify(publicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The CN of a certificate's subject, or empty when it has none. */
  public static String commonName(X509Certificate certificate) {
    for (String rdn : certificate.getSubjectX500Principal().getName().split(",")) {
      if (rdn.startsWith("CN=")) {
        return rdn.substring(3);
      }
    }
    return "";
  }

  private IssuedCertificate issue(
      String commonName, Duration validity, KeyPurposeId purpose, GeneralNames altNames) {
    return issue(commonName, validity, new KeyPurposeId[] {purpose}, altNames);
  }

  private IssuedCertificate issue(
      String commonName, Duration validity, KeyPurposeId[] purposes, GeneralNames altNames) {
    Objects.requireNonNull(commonName, "commonName");
    if (commonName.isBlank() || commonName.contains(",") || commonName.contains("=")) {
      throw new IllegalArgumentException(
          "certificate name must be non-blank without ',' or '=', got '" + commonName + "'");
    }
    KeyPair pair = newKeyPair(random);
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  certificate,
                  serial(random),
                  Date.from(now.minus(Duration.ofMinutes(5))),
                  Date.from(now.plus(validity)),
                  new X500Principal("CN=" + commonName + ", O=B-DT"),
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(certificate))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(pair.getPublic()));
      if (altNames != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, altNames);
      }
      return new IssuedCertificate(sign(builder, key), pair.getPrivate(), certificate);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("this JVM cannot issue a certificate", e);
    }
  }

  private static GeneralName generalName(String host) {
    if (IPV4.matcher(host).matches() || host.contains(":")) {
      try {
        // a literal: no lookup happens
        return new GeneralName(
            GeneralName.iPAddress,
            new org.bouncycastle.asn1.DEROctetString(InetAddress.getByName(host).getAddress()));
      } catch (IOException e) {
        throw new IllegalArgumentException("not an IP address: " + host, e);
      }
    }
    return new GeneralName(GeneralName.dNSName, host);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE).build(signer);
      return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("no " + SIGNATURE + " signer", e);
    }
  }

  private static KeyPair newKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no EC P-256 key generator", e);
    }
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  /** The public key the CA signs with (for verifying issued certificates). */
  public PublicKey publicKey() {
    return certificate.getPublicKey();
  }
}
