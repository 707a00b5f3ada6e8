package io.bdt.contracts.chain;

import static io.bdt.contracts.LiveChain.BASE_DIFFICULTY;
import static io.bdt.contracts.LiveChain.CAPACITY;
import static io.bdt.contracts.LiveChain.CHAIN_ID;
import static io.bdt.contracts.LiveChain.ETA;
import static io.bdt.contracts.LiveChain.GATEWAY_1;
import static io.bdt.contracts.LiveChain.LEDGER_DEPLOYER;
import static io.bdt.contracts.LiveChain.MINER;
import static io.bdt.contracts.LiveChain.OMEGA;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.contracts.LiveChain;
import io.bdt.contracts.generated.ReputationLedger;
import io.bdt.contracts.receipt.ServiceReceipt;
import io.bdt.contracts.reputation.ApReputation;
import io.bdt.contracts.reputation.FixedPoint;
import io.bdt.contracts.reputation.SlotClock;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Reputation recorded on chain drives consensus: the node reads the mining AP's R_m from the
 * ReputationLedger named in its genesis, so served receipts lower the AP's difficulty.
 */
class OnChainDifficultyTest {
  final LiveChain chain = LiveChain.get();
  final ObjectMapper json = new ObjectMapper();

  JsonNode bdtReputation(String address) throws Exception {
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bdt_reputation\",\"params\":[\""
            + address
            + "\"]}";
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + chain.node.rpcPort()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return json.readTree(r.body()).path("result");
  }

  static BigInteger difficulty(JsonNode rep) {
    return new BigInteger(rep.path("difficulty").asText().substring(2), 16);
  }

  ServiceReceipt served(long flops, long slot, String tag) {
    return new ServiceReceipt(
        Hash.sha3(tag.getBytes(StandardCharsets.UTF_8)),
        MINER.getAddress(),
        GATEWAY_1.getAddress(),
        BigInteger.valueOf(flops),
        2_000,
        slot);
  }

  EthBlock.Block block(BigInteger number) throws Exception {
    return chain
        .web3j
        .ethGetBlockByNumber(DefaultBlockParameter.valueOf(number), false)
        .send()
        .getBlock();
  }

  EthBlock.Block awaitBlock(BigInteger number) throws Exception {
    while (chain.web3j.ethBlockNumber().send().getBlockNumber().compareTo(number) < 0) {
      Thread.sleep(200);
    }
    return block(number);
  }

  static BigInteger difficultyAt(BigInteger reputation) {
    return new BigDecimal(BASE_DIFFICULTY)
        .multiply(new BigDecimal(StrictMath.exp(-ETA * FixedPoint.toDouble(reputation))))
        .toBigInteger();
  }

  /**
   * Three full-capacity slots raise the miner's R_m, then the AP idles and R_m decays slot by slot
   * from chain time alone (nobody settles); every block's difficulty is D_0 exp(-eta R_m) with R_m
   * the ledger's value on the parent's state and timestamp, computed here by the Java twin.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void apDifficultyRisesWithServedReceiptsAndFallsBackWhenIdle() throws Exception {
    BigInteger before = difficulty(bdtReputation(MINER.getAddress()));
    assertThat(before).isEqualTo(BASE_DIFFICULTY);

    SlotClock clock = new SlotClock(0, 1, 4, 2);
    ReputationLedger ledger = chain.ledgerWithRoles(LEDGER_DEPLOYER, clock);
    assertThat(ledger.getContractAddress()).isEqualToIgnoringCase(LiveChain.GENESIS_LEDGER);
    assertThat(difficulty(bdtReputation(MINER.getAddress()))).isEqualTo(BASE_DIFFICULTY);
    long registeredAt = ledger.accessPoint(MINER.getAddress()).send().openSlot.longValueExact();

    long now = chain.currentSlot(ledger);
    ApReputation model = ApReputation.registered(CAPACITY, BigInteger.ZERO, registeredAt);
    List<ReputationLedger.Receipt> receipts = new ArrayList<>();
    List<byte[]> gatewaySigs = new ArrayList<>();
    List<byte[]> apSigs = new ArrayList<>();
    String at = ledger.getContractAddress();
    for (long slot = now; slot <= now + 2; slot++) {
      ServiceReceipt r = served(CAPACITY.longValueExact(), slot, "task-" + slot);
      receipts.add(r.toContract());
      gatewaySigs.add(r.sign(CHAIN_ID, at, GATEWAY_1.getEcKeyPair()));
      apSigs.add(r.sign(CHAIN_ID, at, MINER.getEcKeyPair()));
      model = model.withReceipt(r.flopsServed(), slot, OMEGA);
    }
    TransactionReceipt recorded =
        chain.as(MINER, ledger).submitReceipts(receipts, gatewaySigs, apSigs).send();
    assertThat(recorded.isStatusOK()).isTrue();

    // Walk the blocks as they are mined until R_m has risen and then decayed below its peak while
    // the AP idles. How many blocks that takes depends on how fast this machine mines, so the walk
    // follows the chain instead of counting slots: on a loaded machine one block can span several
    // slots.
    BigInteger peak = BigInteger.ZERO;
    BigInteger last = BigInteger.ZERO;
    EthBlock.Block parent = block(recorded.getBlockNumber());
    BigInteger n = parent.getNumber().add(BigInteger.ONE);
    while (peak.signum() == 0 || last.compareTo(peak) >= 0) {
      EthBlock.Block child = awaitBlock(n);
      long slot = clock.slotAt(Instant.ofEpochSecond(parent.getTimestamp().longValueExact()));
      BigInteger r = model.closedUntil(clock.closedBefore(slot), OMEGA).reputation();
      assertThat(child.getDifficulty()).as("difficulty of block %s", n).isEqualTo(difficultyAt(r));
      peak = peak.max(r);
      last = r;
      parent = child;
      n = n.add(BigInteger.ONE);
    }
    // R rose to at most 1 - 0.9^3 = 0.271 and decayed again while the AP idled
    assertThat(FixedPoint.toDouble(peak)).isPositive().isLessThanOrEqualTo(0.271 + 1e-12);
    assertThat(last).isLessThan(peak);
    assertThat(difficultyAt(last)).isGreaterThan(difficultyAt(peak));
  }
}
