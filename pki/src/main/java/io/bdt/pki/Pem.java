package io.bdt.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Reads and writes PEM files: X.509 certificates and unencrypted private keys (PKCS#8 or the
 * OpenSSL "EC/RSA PRIVATE KEY" forms). Private keys are written owner-read/write only.
 */
public final class Pem {

  private Pem() {}

  /** Every certificate in {@code file}, in file order. */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          try {
            out.add(new JcaX509CertificateConverter().getCertificate(holder));
          } catch (CertificateException e) {
            throw new IOException(file + ": a certificate does not decode: " + e.getMessage(), e);
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw new IOException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return out;
  }

  /** The first certificate in {@code file}. */
  public static X509Certificate readCertificate(Path file) throws IOException {
    return readCertificates(file).getFirst();
  }

  /** The private key in {@code file}. */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
      }
    }
    throw new IOException(
        file + " holds no unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  /** The PEM text of {@code objects} (certificates, keys). */
  public static String encode(Object... objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object o : objects) {
        writer.writeObject(o);
      }
    } catch (IOException e) {
      throw new IllegalStateException("PEM encoding failed", e);
    }
    return text.toString();
  }

  /** Writes certificates to {@code file} (readable by all: certificates are public). */
  public static void writeCertificates(Path file, List<X509Certificate> chain) throws IOException {
    writeAtomically(file, encode(chain.toArray()), false);
  }

  /** Writes {@code key} to {@code file}, readable and writable by its owner only. */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    // PKCS#8 ("BEGIN PRIVATE KEY"): what OpenSSL, Mosquitto and Quarkus read
    writeAtomically(file, encode(new JcaPKCS8Generator(key, null)), true);
  }

  /**
   * Writes a secret ({@code text}: a password, a credentials file) to {@code file}, readable and
   * writable by its owner only, via a temporary file and a rename.
   */
  public static void writeSecret(Path file, String text) throws IOException {
    writeAtomically(file, text, true);
  }

  /** Writes {@code text} to {@code file} via a temporary file and a rename. */
  static void writeAtomically(Path file, String text, boolean ownerOnly) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (ownerOnly && dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      try {
        Files.createFile(
            tmp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException e) {
        throw new IOException("another process is writing " + file, e);
      }
    }
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
