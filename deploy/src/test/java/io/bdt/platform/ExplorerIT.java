package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The audit explorer on a live platform (an AP whose node mines, a gateway anchoring real twins and
 * results, the sensor fleet): in headless Chromium the twin audit page shows "verified" for an
 * intact record, checked in the browser against TwinAnchor on chain, and "tampered" once that
 * record is altered in the gateway's archive; every page loads without console errors.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class ExplorerIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static Platform platform;
  static Path work;
  static ChromeDriver browser;
  static String explorer;
  static String thingId;

  @BeforeAll
  static void start() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    assertThat(root.resolve("explorer/target/quarkus-app/quarkus-run.jar"))
        .as("the explorer is built (./mvnw -pl explorer -am package)")
        .exists();
    work = Files.createTempDirectory("bdt-explorer-it-");
    platform =
        new Platform(
            new PlatformSettings(
                root, work, 1, 1, 2, Optional.empty(), Optional.empty(), 0, 1000, 5e6, Map.of()),
            new PrintStream(OutputStream.nullOutputStream()));
    platform.start();
    explorer = platform.explorerProcess().orElseThrow().baseUrl();

    Path profile = Files.createTempDirectory("bdt-explorer-it-chromium-");
    ChromeOptions options = new ChromeOptions();
    // the explorer serves HTTPS with the test platform's own CA, which the browser does not know
    options.setAcceptInsecureCerts(true);
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1000",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    browser =
        new ChromeDriver(
            new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort()
                .build(),
            options);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (platform != null) {
      platform.close();
    }
  }

  static JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        platform
            .http()
            .send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
  }

  static Path archive() {
    return work.resolve("gw1").resolve("anchor-batches.jsonl");
  }

  static List<String> consoleErrors() {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(e -> e.getMessage())
        .toList();
  }

  void open(String path, String css) {
    browser.get(explorer + path);
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
  }

  /** The first record whose anchor is on chain: its row. */
  org.openqa.selenium.WebElement firstAnchoredRow() {
    return browser
        .findElement(By.cssSelector("#twin-records button.verify[data-anchor-id]"))
        .findElement(By.xpath("ancestor::tr"));
  }

  /** Clicks Verify on {@code row}; the verdict shown. */
  String verify(org.openqa.selenium.WebElement row) {
    row.findElement(By.cssSelector("button.verify")).click();
    new WebDriverWait(browser, Duration.ofSeconds(120))
        .until(d -> !row.findElements(By.cssSelector(".verdict")).isEmpty());
    return row.findElement(By.cssSelector(".verdict")).getText();
  }

  /** Alters every archived record of the thing at the gateway, keeping the roots they claim. */
  static void tamper() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(archive()));
    for (int l = 0; l < lines.size(); l++) {
      ObjectNode batch = (ObjectNode) JSON.readTree(lines.get(l));
      ArrayNode items = (ArrayNode) batch.path("items");
      for (int i = 0; i < items.size(); i++) {
        String text = items.get(i).asText();
        if (text.startsWith("twin:") && text.contains("\"" + thingId + "\"")) {
          items.set(i, text.replace("\"thingId\"", "\"note\":\"altered\",\"thingId\""));
        } else if (text.startsWith("result:") && text.contains(":" + thingId + ":")) {
          items.set(i, text + "-altered");
        }
      }
      lines.set(l, JSON.writeValueAsString(batch));
    }
    Files.write(archive(), lines);
  }

  @Test
  @Order(1)
  void aTwinRecordAnchoredOnChainIsVerifiedInTheBrowser() throws Exception {
    // wait until the gateway has anchored a batch and the explorer has indexed its root
    long end = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (true) {
      if (Files.exists(archive())) {
        for (String line : Files.readAllLines(archive())) {
          for (JsonNode item : JSON.readTree(line).path("items")) {
            if (thingId == null && item.asText().startsWith("twin:")) {
              thingId = JSON.readTree(item.asText().substring(5)).path("thingId").asText();
            }
          }
        }
      }
      if (thingId != null) {
        JsonNode twin =
            get(explorer + "/api/twin/" + URLEncoder.encode(thingId, StandardCharsets.UTF_8));
        if (twin != null
            && twin.path("records").size() > 0
            && twin.path("records").get(0).path("anchorId").isNumber()) {
          break;
        }
      }
      assertThat(System.nanoTime()).as("a twin record anchored and indexed").isLessThan(end);
      Thread.sleep(500);
    }
    open("/twin/" + URLEncoder.encode(thingId, StandardCharsets.UTF_8), "#twin-records tbody tr");
    assertThat(verify(firstAnchoredRow())).isEqualTo("verified");
    screenshot("twin-verified");
    assertThat(consoleErrors()).isEmpty();
  }

  @Test
  @Order(2)
  void theSameRecordAlteredAtTheGatewayIsShownTampered() throws Exception {
    // a batch anchored between the alteration and the page load is intact: alter again then
    org.openqa.selenium.WebElement row = null;
    for (int attempt = 0; attempt < 10 && row == null; attempt++) {
      tamper();
      open("/twin/" + URLEncoder.encode(thingId, StandardCharsets.UTF_8), "#twin-records tbody tr");
      org.openqa.selenium.WebElement first = firstAnchoredRow();
      if (first.getText().contains("altered")) {
        row = first;
      }
    }
    assertThat(row).as("an altered record anchored on chain").isNotNull();
    assertThat(verify(row)).isEqualTo("tampered");
    assertThat(row.findElement(By.cssSelector(".reason")).getText()).contains("differs from");
    screenshot("twin-tampered");
    assertThat(consoleErrors()).isEmpty();
  }

  @Test
  @Order(3)
  void everyPageLoadsWithLivePlatformData() throws Exception {
    open("/", "#latest-blocks tbody tr");
    open("/reputation", "#reputation-table tbody tr");
    open("/anchors", "#anchors tbody tr");
    open("/devices", "#devices tbody tr");
    String device = browser.findElement(By.cssSelector("#devices tbody tr a")).getAttribute("href");
    browser.get(device);
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#device-history")));
    open("/block/1", "h1");
    open("/search?q=" + URLEncoder.encode(thingId, StandardCharsets.UTF_8), "#twin-records");
    assertThat(consoleErrors()).isEmpty();
  }

  static void screenshot(String name) throws Exception {
    String dir = System.getProperty("bdt.screenshots");
    if (dir != null) {
      Files.createDirectories(Path.of(dir));
      Files.write(Path.of(dir).resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
  }
}
