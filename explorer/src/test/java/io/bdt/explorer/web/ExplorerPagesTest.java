package io.bdt.explorer.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.explorer.LiveChain;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every chain page in a real headless Chromium against the explorer following a live node with
 * B-DT's contracts and real activity. With {@code -Dbdt.screenshots=DIR} the test also saves the
 * main pages as PNGs (docs/explorer.md's screenshots).
 */
@QuarkusTest
@QuarkusTestResource(value = LiveChainResource.class, restrictToAnnotatedClass = true)
@Timeout(300)
class ExplorerPagesTest {

  @TestHTTPResource("/")
  URI base;

  static Browser browser;

  @BeforeAll
  static void startBrowser() throws Exception {
    assertThat(Browser.installed())
        .as("chromium and chromium-driver are installed (apt-get install chromium chromium-driver)")
        .isTrue();
    browser = new Browser();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void awaitIndexed() throws Exception {
    // the explorer indexes from startup; wait until it holds the last populated transaction
    HttpClient http = HttpClient.newHttpClient();
    long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/tx/" + LiveChainResource.chain.revertedTx))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        break;
      }
      assertThat(System.nanoTime()).as("explorer indexed the test chain").isLessThan(end);
      Thread.sleep(200);
    }
    browser.consoleErrors(); // start each test with an empty console
  }

  @AfterEach
  void noConsoleErrors() throws Exception {
    assertThat(browser.consoleErrors()).isEmpty();
  }

  String url(String path) {
    return base.resolve(path).toString();
  }

  void screenshot(String name) throws Exception {
    String dir = System.getProperty("bdt.screenshots");
    if (dir != null) {
      browser.screenshot(Path.of(dir).resolve(name + ".png"));
    }
  }

  @Test
  void homeShowsHeadHashRateLatestBlocksAndTransactions() throws Exception {
    browser.open(url("/"), "#latest-blocks tbody tr");
    assertThat(Long.parseLong(browser.text("#head b"))).isGreaterThan(5);
    assertThat(browser.text("#latest-txs")).contains("TwinAnchor.anchor");
    browser.await("#reputation-chart");
    screenshot("home");
  }

  @Test
  void blockPageListsItsTransactions() throws Exception {
    long block =
        LiveChainResource.chain
            .web3j
            .ethGetTransactionReceipt(LiveChainResource.chain.anchorTx)
            .send()
            .getTransactionReceipt()
            .orElseThrow()
            .getBlockNumber()
            .longValueExact();
    browser.open(url("/block/" + block), "#block-txs");
    assertThat(browser.text("h1")).isEqualTo("Block " + block);
    assertThat(browser.text("#block-txs")).contains("TwinAnchor.anchor");
    screenshot("block");
  }

  @Test
  void transactionPageDecodesInputAndEvents() throws Exception {
    browser.open(url("/tx/" + LiveChainResource.chain.anchorTx), "#tx-logs");
    assertThat(browser.text("main")).contains("TwinAnchor.anchor(bytes32,uint64)");
    assertThat(browser.text("#tx-logs"))
        .contains("TwinAnchor.Anchored")
        .contains("0x" + HexFormat.of().formatHex(LiveChain.tree().root()));
    screenshot("transaction");
  }

  @Test
  void revertedTransactionShowsItsReason() throws Exception {
    browser.open(url("/tx/" + LiveChainResource.chain.revertedTx), "#tx-logs");
    assertThat(browser.text("main"))
        .contains("reverted")
        .contains("caller is not a registered gateway");
  }

  @Test
  void contractAddressShowsDecodedState() throws Exception {
    browser.open(url("/address/" + LiveChainResource.chain.twinAnchor), "#anchors");
    assertThat(browser.text("h1")).startsWith("TwinAnchor");
    assertThat(browser.text("#anchors tbody")).contains("0x");
    browser.open(url("/address/" + LiveChainResource.chain.registry), "#devices");
    assertThat(browser.text("#devices tbody tr:nth-child(2)")).contains("revoked");
    screenshot("address");
  }

  @Test
  void devicesAndDeviceHistory() throws Exception {
    browser.open(url("/devices"), "#devices tbody tr");
    assertThat(browser.text("#devices")).contains("active").contains("revoked");
    screenshot("devices");
    browser.open(url("/device/vib-2"), "#device-history");
    assertThat(browser.text("#device-history")).contains("registered").contains("revoked");
  }

  @Test
  void reputationComparesBlocksWonWithPredictedShare() throws Exception {
    browser.open(url("/reputation"), "#reputation-table tbody tr");
    assertThat(browser.text("#reputation-table"))
        .containsIgnoringCase(LiveChain.AP_ADDRESS.substring(0, 10))
        .contains("100.0 %");
    screenshot("reputation");
  }

  @Test
  void anchorsPerGateway() throws Exception {
    browser.open(url("/anchors"), "#anchor-gateways tbody tr");
    assertThat(browser.text("#anchors")).contains("0x");
    screenshot("anchors");
  }

  @Test
  void searchLeadsToTheNamedPage() throws Exception {
    browser.open(url("/search?q=vib-1"), "#device-history");
    assertThat(browser.driver().getCurrentUrl()).endsWith("/device/vib-1");
    browser.open(url("/search?q=" + LiveChainResource.chain.anchorTx), "#tx-logs");
    browser.open(url("/search?q=2"), "#block-txs");
    assertThat(browser.driver().getCurrentUrl()).endsWith("/block/2");
  }

  @Test
  void twinPageSaysWhenNoGatewayHoldsTheThing() throws Exception {
    browser.open(url("/twin/plant:pump-1"), "#twin-records");
    assertThat(browser.text("main")).contains("no gateways configured");
  }

  @Test
  void unknownBlockShowsAClearError() throws Exception {
    browser.open(url("/block/999999"), "#error");
    assertThat(browser.text("#error")).contains("not indexed");
    browser.consoleErrors(); // the failed fetch (404) is the expected outcome here
  }
}
