package io.bdt.gateway.twin.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.gateway.twin.Twin;
import io.bdt.gateway.twin.TwinStore;
import io.bdt.gateway.twin.TwinStoreOptions;
import io.bdt.gateway.twin.TwinUpdate;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinSearchTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private TwinStore store;
  private TwinSearch search;
  private final List<TwinSearch.Plan> plans = new ArrayList<>();

  /** 30 twins: site a/b/c by i % 3, rms = i / 10, twin 7 without rms. */
  @BeforeEach
  void fill() throws IOException {
    store = TwinStore.open(dir, Clock.systemUTC(), TwinStoreOptions.defaults(5));
    for (int i = 0; i < 30; i++) {
      String rms = i == 7 ? "" : ",\"rms\":" + (i / 10.0);
      store.apply(
          String.format("bdt:m%02d", i),
          new TwinUpdate.Replace(
              JSON.readTree(
                  "{\"attributes\":{\"site\":\""
                      + "abc".charAt(i % 3)
                      + "\"},\"features\":{\"vibration\":{\"properties\":{\"n\":"
                      + i
                      + rms
                      + "}}}}")),
          false);
    }
    search = new TwinSearch(store);
  }

  @AfterEach
  void close() throws IOException {
    store.close();
  }

  private List<String> ids(String filter, String sort, int limit) {
    return run(filter, sort, limit, null).items().stream().map(Twin::thingId).toList();
  }

  private TwinSearch.Page run(String filter, String sort, int limit, String cursor) {
    return search.run(
        TwinQueries.parse(null, filter == null ? null : List.of(filter), sort, cursor, limit),
        plans::add);
  }

  @Test
  void anIndexedEqualityAndARangeSelectTheMatchingTwinsThroughTheIndex() {
    assertThat(
            ids(
                "and(eq(attributes/site,\"a\"),gt(features/vibration/properties/rms,1.5))",
                null,
                100))
        .containsExactly("bdt:m18", "bdt:m21", "bdt:m24", "bdt:m27");
    assertThat(plans.get(0).kind()).isEqualTo("index");
    assertThat(plans.get(0).examined()).isEqualTo(10);
  }

  @Test
  void aFilterOnAnUnindexedPathScansEveryTwin() {
    assertThat(ids("not(exists(features/vibration/properties/rms))", null, 100))
        .containsExactly("bdt:m07");
    assertThat(plans.get(0).kind()).isEqualTo("scan");
    assertThat(plans.get(0).examined()).isEqualTo(30);
  }

  @Test
  void sortsDescendingByAPropertyAndPagesWithTheCursorWithoutGapsOrRepeats() {
    List<String> all = new ArrayList<>();
    String cursor = null;
    do {
      TwinSearch.Page page =
          run("in(attributes/site,\"b\",\"c\")", "-features/vibration/properties/n", 7, cursor);
      page.items().forEach(t -> all.add(t.thingId()));
      cursor = page.nextCursor();
    } while (cursor != null);
    assertThat(all).hasSize(20).startsWith("bdt:m29", "bdt:m28", "bdt:m26").endsWith("bdt:m01");
    assertThat(all).doesNotHaveDuplicates();
  }

  @Test
  void pagesInThingIdOrderStopAfterOnePage() {
    TwinSearch.Page first = run(null, null, 5, null);
    assertThat(first.items()).extracting(Twin::thingId).startsWith("bdt:m00").hasSize(5);
    TwinSearch.Page second = run(null, null, 5, first.nextCursor());
    assertThat(second.items()).extracting(Twin::thingId).startsWith("bdt:m05");
    assertThat(plans.get(1).examined()).isEqualTo(6);
  }

  @Test
  void theEarlierPathEqualsValueFormStillMatchesTextAndNumbers() {
    assertThat(ids("features/vibration/properties/n=12", null, 100)).containsExactly("bdt:m12");
    assertThat(ids("attributes/site=c", null, 3)).containsExactly("bdt:m02", "bdt:m05", "bdt:m08");
  }

  @Test
  void badFiltersSortsAndCursorsAreRejectedNamingWhatIsWrong() {
    assertThatThrownBy(() -> ids("eq(attributes/site,\"a\"", null, 10))
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageContaining("expected ')'")
        .hasMessageContaining("position 22");
    assertThatThrownBy(() -> ids("foo(attributes/site,1)", null, 10))
        .hasMessageContaining("unknown operator 'foo'");
    assertThatThrownBy(() -> ids("eq(color,1)", null, 10))
        .hasMessageContaining("unknown property 'color'");
    assertThatThrownBy(() -> ids("gt(attributes/n,abc)", null, 10))
        .hasMessageContaining("expected a value");
    assertThatThrownBy(() -> ids(null, "-nothing", 10))
        .isInstanceOf(InvalidQueryException.class)
        .hasMessageContaining("sort: unknown property 'nothing'");
    TwinSearch.Page page = run(null, null, 5, null);
    assertThatThrownBy(() -> run(null, "-_modified", 5, page.nextCursor()))
        .hasMessageContaining("cursor: belongs to another query");
    assertThatThrownBy(() -> run(null, null, 5, "!!not-base64"))
        .hasMessageContaining("cursor: not a cursor");
    assertThatThrownBy(() -> ids(null, null, 0)).hasMessageContaining("limit must be in");
  }
}
