package io.bdt.consensus.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.Fixtures;
import io.bdt.consensus.node.DevNetwork;
import io.bdt.consensus.node.Node;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/** An unmodified Web3j client uses the dev node as it would use geth or Besu. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Web3jClientTest {
  static final BigInteger GAS_PRICE = BigInteger.valueOf(2_000_000_000L);
  static final Event INCREMENTED =
      new Event(
          "Incremented",
          List.of(new TypeReference<Address>(true) {}, new TypeReference<Uint256>() {}));

  Node node;
  Web3j web3j;
  RawTransactionManager alice;
  PollingTransactionReceiptProcessor receipts;
  String counter;

  @BeforeAll
  void startNodeAndDeploy(@TempDir Path dir) throws Exception {
    node = DevNodeRule.start(dir);
    web3j = Web3j.build(new HttpService("http://127.0.0.1:" + node.rpcPort()));
    receipts = new PollingTransactionReceiptProcessor(web3j, 50, 1200);
    alice = new RawTransactionManager(web3j, Fixtures.DEV.account(), DevNetwork.CHAIN_ID, receipts);
    String init = Fixtures.counterInitCode(7).toHexString();
    TransactionReceipt deployed =
        mined(
            alice.sendTransaction(
                GAS_PRICE, BigInteger.valueOf(1_000_000), null, init, BigInteger.ZERO, true));
    assertThat(deployed.isStatusOK()).isTrue();
    counter = deployed.getContractAddress();
  }

  @AfterAll
  void stop() {
    web3j.shutdown();
    node.close();
  }

  TransactionReceipt mined(org.web3j.protocol.core.methods.response.EthSendTransaction sent)
      throws Exception {
    if (sent.hasError()) {
      throw new AssertionError("rejected: " + sent.getError().getMessage());
    }
    return receipts.waitForTransactionReceipt(sent.getTransactionHash());
  }

  static String encode(String name) {
    return FunctionEncoder.encode(new Function(name, List.of(), List.of()));
  }

  BigInteger get() throws Exception {
    EthCall r =
        web3j
            .ethCall(
                Transaction.createEthCallTransaction(
                    Fixtures.DEV.account().getAddress(), counter, encode("get")),
                DefaultBlockParameterName.LATEST)
            .send();
    return new BigInteger(r.getValue().substring(2), 16);
  }

  @Test
  void reportsChainIdAndClientVersion() throws Exception {
    assertThat(web3j.ethChainId().send().getChainId()).isEqualTo(BigInteger.valueOf(1337));
    assertThat(web3j.netVersion().send().getNetVersion()).isEqualTo("1337");
    assertThat(web3j.web3ClientVersion().send().getWeb3ClientVersion()).startsWith("bdt/");
  }

  @Test
  void deployedContractHasCodeAndAnswersCalls() throws Exception {
    assertThat(web3j.ethGetCode(counter, DefaultBlockParameterName.LATEST).send().getCode())
        .startsWith("0x60")
        .hasSizeGreaterThan(10);
    assertThat(get()).isGreaterThanOrEqualTo(BigInteger.valueOf(7));
    assertThat(
            web3j
                .ethGetStorageAt(counter, BigInteger.ZERO, DefaultBlockParameterName.LATEST)
                .send()
                .getData())
        .isEqualTo(String.format("0x%064x", get()));
  }

  @Test
  void eip1559TransactionChangesStateAndEmitsReadableLog() throws Exception {
    BigInteger before = get();
    TransactionReceipt r =
        mined(
            alice.sendEIP1559Transaction(
                DevNetwork.CHAIN_ID,
                BigInteger.valueOf(1_000_000_000L),
                BigInteger.valueOf(3_000_000_000L),
                BigInteger.valueOf(100_000),
                counter,
                encode("increment"),
                BigInteger.ZERO,
                false));

    assertThat(r.isStatusOK()).isTrue();
    assertThat(get()).isEqualTo(before.add(BigInteger.ONE));
    EthLog logs =
        web3j
            .ethGetLogs(
                new EthFilter(
                        org.web3j.protocol.core.DefaultBlockParameter.valueOf(r.getBlockNumber()),
                        org.web3j.protocol.core.DefaultBlockParameter.valueOf(r.getBlockNumber()),
                        counter)
                    .addSingleTopic(EventEncoder.encode(INCREMENTED)))
            .send();
    assertThat(logs.getLogs()).hasSize(1);
    EthLog.LogObject log = (EthLog.LogObject) logs.getLogs().get(0);
    assertThat(log.getTransactionHash()).isEqualTo(r.getTransactionHash());
    assertThat(new BigInteger(log.getData().substring(2), 16))
        .isEqualTo(before.add(BigInteger.ONE));
    assertThat(log.getTopics().get(1))
        .endsWith(Fixtures.DEV.account().getAddress().substring(2).toLowerCase());
  }

  @Test
  void revertingCallReportsReason() throws Exception {
    EthCall r =
        web3j
            .ethCall(
                Transaction.createEthCallTransaction(
                    Fixtures.DEV.account().getAddress(), counter, encode("fail")),
                DefaultBlockParameterName.LATEST)
            .send();

    assertThat(r.isReverted()).isTrue();
    assertThat(r.getError().getMessage()).contains("Counter: always fails");
  }

  @Test
  void revertingTransactionIsMinedWithFailedStatus() throws Exception {
    TransactionReceipt r =
        mined(
            alice.sendTransaction(
                GAS_PRICE,
                BigInteger.valueOf(100_000),
                counter,
                encode("fail"),
                BigInteger.ZERO,
                false));

    assertThat(r.isStatusOK()).isFalse();
    assertThat(r.getGasUsed()).isLessThan(BigInteger.valueOf(100_000));
    assertThat(r.getRevertReason()).isNotNull();
  }

  @Test
  void estimatesEnoughGasForIncrement() throws Exception {
    BigInteger estimate =
        web3j
            .ethEstimateGas(
                Transaction.createEthCallTransaction(
                    Fixtures.DEV.account().getAddress(), counter, encode("increment")))
            .send()
            .getAmountUsed();

    assertThat(estimate).isBetween(BigInteger.valueOf(21_000), BigInteger.valueOf(100_000));
    TransactionReceipt r =
        mined(
            alice.sendTransaction(
                GAS_PRICE, estimate, counter, encode("increment"), BigInteger.ZERO, false));
    assertThat(r.isStatusOK()).isTrue();
  }

  @Test
  void blocksAndTransactionsReadBackThroughWeb3j() throws Exception {
    TransactionReceipt r =
        mined(
            alice.sendTransaction(
                GAS_PRICE,
                BigInteger.valueOf(21_000),
                Fixtures.BOB.getAddress(),
                "0x",
                BigInteger.TEN,
                false));

    EthBlock.Block block = web3j.ethGetBlockByHash(r.getBlockHash(), true).send().getBlock();
    assertThat(block.getNumber()).isEqualTo(r.getBlockNumber());
    assertThat(block.getMiner()).isEqualToIgnoringCase(Fixtures.DEV.miner().getAddress());
    assertThat(block.getDifficulty()).isEqualTo(BigInteger.valueOf(554));
    assertThat(block.getTransactions())
        .anySatisfy(
            t ->
                assertThat(((EthBlock.TransactionObject) t).getHash())
                    .isEqualTo(r.getTransactionHash()));
    var tx =
        web3j.ethGetTransactionByHash(r.getTransactionHash()).send().getTransaction().orElseThrow();
    assertThat(tx.getFrom()).isEqualToIgnoringCase(Fixtures.DEV.account().getAddress());
    assertThat(tx.getValue()).isEqualTo(BigInteger.TEN);
    assertThat(
            web3j
                .ethGetBalance(Fixtures.BOB.getAddress(), DefaultBlockParameterName.LATEST)
                .send()
                .getBalance())
        .isGreaterThanOrEqualTo(BigInteger.TEN);
    assertThat(
            web3j
                .ethGetTransactionCount(
                    Fixtures.DEV.account().getAddress(), DefaultBlockParameterName.LATEST)
                .send()
                .getTransactionCount())
        .isGreaterThan(BigInteger.ONE);
  }

  @Test
  void feeHistoryReportsBaseFeesAndTips() throws Exception {
    mined(
        alice.sendTransaction(
            GAS_PRICE,
            BigInteger.valueOf(21_000),
            Fixtures.BOB.getAddress(),
            "0x",
            BigInteger.ONE,
            false));

    var history =
        web3j
            .ethFeeHistory(3, DefaultBlockParameterName.LATEST, List.of(50.0))
            .send()
            .getFeeHistory();

    assertThat(history.getBaseFeePerGas()).hasSize(history.getGasUsedRatio().size() + 1);
    assertThat(history.getReward()).hasSize(history.getGasUsedRatio().size());
    assertThat(history.getBaseFeePerGas()).allSatisfy(fee -> assertThat(fee).isPositive());
  }

  @Test
  void logFilterReturnsOnlyNewLogsOnEachPoll() throws Exception {
    String filter =
        web3j
            .ethNewFilter(
                new EthFilter(
                    DefaultBlockParameterName.LATEST, DefaultBlockParameterName.LATEST, counter))
            .send()
            .getFilterId()
            .toString(16);
    var first =
        mined(
            alice.sendTransaction(
                GAS_PRICE,
                BigInteger.valueOf(100_000),
                counter,
                encode("increment"),
                BigInteger.ZERO,
                false));

    var changes = web3j.ethGetFilterChanges(new BigInteger(filter, 16)).send().getLogs();
    var again = web3j.ethGetFilterChanges(new BigInteger(filter, 16)).send().getLogs();

    assertThat(changes)
        .anySatisfy(
            l ->
                assertThat(((EthLog.LogObject) l).getTransactionHash())
                    .isEqualTo(first.getTransactionHash()));
    assertThat(again).isEmpty();
    assertThat(web3j.ethUninstallFilter(new BigInteger(filter, 16)).send().isUninstalled())
        .isTrue();
  }

  @Test
  void blockFilterReportsNewBlockHashes() throws Exception {
    BigInteger filter = web3j.ethNewBlockFilter().send().getFilterId();
    TransactionReceipt r =
        mined(
            alice.sendTransaction(
                GAS_PRICE,
                BigInteger.valueOf(21_000),
                Fixtures.BOB.getAddress(),
                "0x",
                BigInteger.ONE,
                false));

    var hashes = web3j.ethGetFilterChanges(filter).send().getLogs();

    assertThat(hashes).anySatisfy(h -> assertThat(h.get()).isEqualTo(r.getBlockHash()));
  }

  @Test
  void proofNamesAccountStateAtBlock() throws Exception {
    var proof = web3j.ethGetProof(counter, List.of("0x0"), "latest").send().getProof();

    assertThat(proof.getAccountProof()).isNotEmpty();
    assertThat(proof.getStorageProof()).hasSize(1);
    assertThat(proof.getStorageProof().get(0).getValue()).hasToString("0x" + get().toString(16));
  }

  @Test
  void transactionsReadBackByBlockAndIndex() throws Exception {
    TransactionReceipt r =
        mined(
            alice.sendTransaction(
                GAS_PRICE,
                BigInteger.valueOf(21_000),
                Fixtures.CAROL.getAddress(),
                "0x",
                BigInteger.ONE,
                false));

    var byHash =
        web3j
            .ethGetTransactionByBlockHashAndIndex(r.getBlockHash(), r.getTransactionIndex())
            .send()
            .getTransaction()
            .orElseThrow();
    var byNumber =
        web3j
            .ethGetTransactionByBlockNumberAndIndex(
                org.web3j.protocol.core.DefaultBlockParameter.valueOf(r.getBlockNumber()),
                r.getTransactionIndex())
            .send()
            .getTransaction()
            .orElseThrow();

    assertThat(byHash.getHash()).isEqualTo(r.getTransactionHash());
    assertThat(byNumber.getHash()).isEqualTo(r.getTransactionHash());
    assertThat(
            web3j.ethGetBlockTransactionCountByHash(r.getBlockHash()).send().getTransactionCount())
        .isPositive();
  }
}
