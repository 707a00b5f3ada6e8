package io.bdt.platform.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class NetnsHostsTest {

  @Test
  void platformAndTestsUseDifferentSubnetsAndNames() {
    assertThat(NetnsHosts.PLATFORM.subnets()).isNotEqualTo(NetnsHosts.TESTS.subnets());
    assertThat(NetnsHosts.PLATFORM.prefix()).isNotEqualTo(NetnsHosts.TESTS.prefix());
  }

  @Test
  void refusesANamingThatWouldNotFitInterfaceNamesOrLeavePrivateSpace() {
    assertThatThrownBy(() -> new NetnsHosts.Naming("bdt", "10.233"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two lower-case letters");
    assertThatThrownBy(() -> new NetnsHosts.Naming("bq", "192.168"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("192.168");
  }
}
