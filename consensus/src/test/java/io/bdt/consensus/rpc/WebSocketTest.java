package io.bdt.consensus.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.Fixtures;
import io.bdt.consensus.node.DevNetwork;
import io.bdt.consensus.node.Node;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.tuweni.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.crypto.ContractUtils;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.websocket.WebSocketService;
import org.web3j.protocol.websocket.events.LogNotification;
import org.web3j.protocol.websocket.events.NewHeadsNotification;

/** eth_subscribe over WebSocket, consumed by Web3j's WebSocketService. */
class WebSocketTest {

  @Test
  void web3jReceivesNewHeadsAndLogsSubscriptions(@TempDir Path dir) throws Exception {
    try (Node node =
        new Node(DevNetwork.loopback(Fixtures.DEV, dir, Duration.ofSeconds(1), true))) {
      WebSocketService ws =
          new WebSocketService("ws://127.0.0.1:" + node.wsPort().orElseThrow(), false);
      ws.connect();
      Web3j web3j = Web3j.build(ws);
      try {
        assertThat(web3j.ethChainId().send().getChainId()).isEqualTo(BigInteger.valueOf(1337));
        String counter =
            ContractUtils.generateContractAddress(
                Fixtures.DEV.account().getAddress(), BigInteger.ZERO);
        var logs = web3j.logsNotifications(List.of(counter), List.of()).take(1).replay();
        logs.connect();
        var heads = web3j.newHeadsNotifications().take(1).replay();
        heads.connect();

        Bytes increment =
            Bytes.fromHexString(
                FunctionEncoder.encode(new Function("increment", List.of(), List.of())));
        for (Bytes tx :
            List.of(
                Fixtures.eip1559(
                    Fixtures.DEV.account(),
                    0,
                    null,
                    BigInteger.ZERO,
                    Fixtures.counterInitCode(1),
                    500_000),
                Fixtures.eip1559(
                    Fixtures.DEV.account(), 1, counter, BigInteger.ZERO, increment, 100_000))) {
          assertThat(web3j.ethSendRawTransaction(tx.toHexString()).send().hasError()).isFalse();
        }

        NewHeadsNotification head = heads.timeout(60, TimeUnit.SECONDS).blockingFirst();
        LogNotification log = logs.timeout(60, TimeUnit.SECONDS).blockingFirst();
        assertThat(head.getParams().getResult().getMiner())
            .isEqualToIgnoringCase(Fixtures.DEV.miner().getAddress());
        assertThat(log.getParams().getResult().getAddress()).isEqualToIgnoringCase(counter);
        assertThat(new BigInteger(log.getParams().getResult().getData().substring(2), 16))
            .isEqualTo(BigInteger.TWO);
      } finally {
        web3j.shutdown();
      }
    }
  }
}
