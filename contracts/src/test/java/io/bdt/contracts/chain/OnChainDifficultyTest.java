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
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameterName;
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
        BigInteger.valueOf(flops),
        2_000,
        slot);
  }

  @Test
  void apDifficultyFallsAfterItsServedReceiptsAreRecorded() throws Exception {
    BigInteger before = difficulty(bdtReputation(MINER.getAddress()));
    assertThat(before).isEqualTo(BASE_DIFFICULTY);

    ReputationLedger ledger = chain.ledgerWithRoles(LEDGER_DEPLOYER);
    assertThat(ledger.getContractAddress()).isEqualToIgnoringCase(LiveChain.GENESIS_LEDGER);
    assertThat(difficulty(bdtReputation(MINER.getAddress()))).isEqualTo(BASE_DIFFICULTY);

    ReputationLedger asMiner = chain.as(MINER, ledger);
    ApReputation model = ApReputation.registered(CAPACITY, BigInteger.ZERO);
    for (long slot = 1; slot <= 3; slot++) {
      ServiceReceipt r = served(CAPACITY.longValueExact(), slot, "task-" + slot);
      asMiner
          .submitReceipt(
              r.toContract(),
              r.sign(CHAIN_ID, ledger.getContractAddress(), GATEWAY_1.getEcKeyPair()))
          .send();
      model = model.withReceipt(r.flopsServed(), slot, OMEGA);
    }
    TransactionReceipt closed = asMiner.closeSlot(BigInteger.valueOf(4)).send();
    model = model.closedUntil(4, OMEGA);

    JsonNode after = bdtReputation(MINER.getAddress());
    double r = FixedPoint.toDouble(model.reputation());
    assertThat(r).isCloseTo(1 - Math.pow(0.9, 3), org.assertj.core.api.Assertions.within(1e-12));
    assertThat(after.path("reputation").asDouble()).isEqualTo(r);
    BigInteger expected =
        new java.math.BigDecimal(BASE_DIFFICULTY)
            .multiply(new java.math.BigDecimal(StrictMath.exp(-ETA * r)))
            .toBigInteger();
    assertThat(difficulty(after)).isEqualTo(expected).isLessThan(before);

    // The next block the AP mines carries the lowered difficulty and is accepted by the node.
    chain.as(MINER, ledger).closeSlot(BigInteger.valueOf(5)).send();
    EthBlock.Block next =
        chain
            .web3j
            .ethGetBlockByNumber(
                org.web3j.protocol.core.DefaultBlockParameter.valueOf(
                    closed.getBlockNumber().add(BigInteger.ONE)),
                false)
            .send()
            .getBlock();
    assertThat(next.getDifficulty()).isEqualTo(expected);
    assertThat(
            chain
                .web3j
                .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
                .send()
                .getBlock()
                .getDifficulty())
        .isLessThan(before);
  }
}
