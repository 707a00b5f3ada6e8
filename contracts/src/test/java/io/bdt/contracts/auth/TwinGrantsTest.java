package io.bdt.contracts.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.contracts.auth.TwinGrant.Access;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TwinGrantsTest {

  @Test
  void aNamespaceGrantCoversEveryThingInItAndNoOtherNamespace() {
    TwinGrant read = TwinGrant.parse("read:bdt");
    assertThat(read.allows(Access.READ, "bdt:vib-3")).isTrue();
    assertThat(read.allows(Access.READ, "bdt:pump:7")).isTrue();
    assertThat(read.allows(Access.READ, "bdtx:vib-3")).isFalse();
    assertThat(read.allows(Access.READ, "plant:vib-3")).isFalse();
  }

  @Test
  void readDoesNotAllowWritingButWriteIncludesReading() {
    assertThat(TwinGrant.parse("read:bdt").allows(Access.WRITE, "bdt:vib-3")).isFalse();
    assertThat(TwinGrant.parse("write:bdt").allows(Access.READ, "bdt:vib-3")).isTrue();
    assertThat(TwinGrant.parse("write:bdt").allows(Access.WRITE, "bdt:vib-3")).isTrue();
  }

  @Test
  void aThingGrantCoversThatThingOnlyAndItsNameMayHoldColons() {
    TwinGrant one = TwinGrant.parse("write:bdt:vib-3");
    assertThat(one.allows(Access.WRITE, "bdt:vib-3")).isTrue();
    assertThat(one.allows(Access.WRITE, "bdt:vib-30")).isFalse();
    assertThat(one.allows(Access.WRITE, "bdt:vib")).isFalse();
    TwinGrant nested = TwinGrant.parse("read:bdt:line:4");
    assertThat(nested.name()).isEqualTo("line:4");
    assertThat(nested.allows(Access.READ, "bdt:line:4")).isTrue();
    assertThat(nested.toString()).isEqualTo("read:bdt:line:4");
  }

  @Test
  void readsInSaysWhetherAnyGrantTouchesTheNamespace() {
    TwinGrants grants = TwinGrants.parse(List.of("read:bdt:vib-3", "write:plant"));
    assertThat(grants.readsIn("bdt")).isTrue();
    assertThat(grants.readsIn("plant")).isTrue();
    assertThat(grants.readsIn("other")).isFalse();
    assertThat(grants.allows(Access.READ, "bdt:vib-4")).isFalse();
    assertThat(grants.allows(Access.WRITE, "plant:x")).isTrue();
    assertThat(grants.texts()).containsExactly("read:bdt:vib-3", "write:plant");
  }

  @Test
  void anEmptyListGrantsNothing() {
    TwinGrants none = TwinGrants.parse(List.of());
    assertThat(none.allows(Access.READ, "bdt:vib-3")).isFalse();
    assertThat(none.readsIn("bdt")).isFalse();
  }

  @Test
  void malformedGrantsAreRefusedNamingWhatIsWrong() {
    assertThatThrownBy(() -> TwinGrant.parse("bdt"))
        .hasMessageContaining("grant bdt: expected read:NAMESPACE");
    assertThatThrownBy(() -> TwinGrant.parse("admin:bdt"))
        .hasMessageContaining("access must be read or write, got admin");
    assertThatThrownBy(() -> TwinGrant.parse("read:"))
        .hasMessageContaining("grant read:: grant namespace must match");
    assertThatThrownBy(() -> TwinGrant.parse("read:b d t"))
        .hasMessageContaining("namespace must match");
    assertThatThrownBy(() -> TwinGrant.parse("write:bdt:"))
        .hasMessageContaining("thing name must match");
    assertThatThrownBy(() -> TwinGrants.parse(List.of("read:bdt", "read:*")))
        .hasMessageContaining("grant read:*");
  }
}
