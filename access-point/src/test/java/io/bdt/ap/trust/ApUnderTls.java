package io.bdt.ap.trust;

import io.bdt.pki.PlatformCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test resource: {@link ApUnderTest} serving HTTPS only, with a server certificate for {@code
 * 127.0.0.1} (and no other name) from a CA of its own ({@link #ca}), as {@code ./bdt platform}
 * issues one from the platform CA; a second CA ({@link #otherCa}) signed nothing the AP shows. CORS
 * is on for {@link #ALLOWED_ORIGIN} only.
 */
public class ApUnderTls extends ApUnderTest {
  static volatile Path ca;
  static volatile Path otherCa;

  /** The one origin this AP's CORS setting allows. */
  static final String ALLOWED_ORIGIN = "https://console.example";

  @Override
  public Map<String, String> start() {
    Map<String, String> conf = new HashMap<>(super.start());
    try {
      Path dir = Files.createTempDirectory("bdt-ap-tls-test");
      PlatformCa platform =
          PlatformCa.openOrCreate(
              dir.resolve("pki"), "test platform CA", Duration.ofDays(1), Clock.systemUTC());
      Path cert = dir.resolve("pki/server.pem");
      Path key = dir.resolve("pki/server-key.pem");
      platform.issueServer(List.of("127.0.0.1"), Duration.ofDays(1)).write(cert, key);
      ca = platform.certificateFile();
      otherCa =
          PlatformCa.openOrCreate(
                  dir.resolve("other"), "another CA", Duration.ofDays(1), Clock.systemUTC())
              .certificateFile();
      conf.put("quarkus.tls.key-store.pem.0.cert", cert.toString());
      conf.put("quarkus.tls.key-store.pem.0.key", key.toString());
      conf.put("quarkus.http.insecure-requests", "disabled");
      conf.put("quarkus.http.cors.enabled", "true");
      conf.put("quarkus.http.cors.origins", ALLOWED_ORIGIN);
      return conf;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
