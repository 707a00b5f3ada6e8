package io.bdt.explorer.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.node.DevNetwork;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.explorer.LiveChain;
import io.bdt.explorer.abi.BdtContracts;
import io.bdt.explorer.node.NodeRpc;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

@Timeout(300)
class IndexerTest {
  /** The dev chain's keys, fresh for this run. */
  static final DevNetwork.Keys DEV = DevNetwork.Keys.generate();

  @TempDir Path dir;

  static Indexer indexer(String rpc, DataSource db, List<Indexer.Reorg> reorgs) {
    return new Indexer(
        new NodeRpc(URI.create(rpc), Duration.ofSeconds(30)),
        new IndexStore(db, BdtContracts.load()),
        7,
        reorgs::add);
  }

  static long count(DataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  static String string(DataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    }
  }

  /** Indexes a live chain with B-DT's contracts and checks every view the pages read. */
  static void assertIndexesLiveChain(Path chainDir, IndexDatabase db) throws Exception {
    try (LiveChain chain = new LiveChain(chainDir).populate()) {
      Indexer indexer = indexer(chain.rpcUrl(), db.dataSource(), new ArrayList<>());
      indexer.catchUp();
      DataSource ds = db.dataSource();
      long head = count(ds, "SELECT MAX(number) FROM blocks");
      assertThat(head).isGreaterThanOrEqualTo(indexer.nodeHead());
      assertThat(count(ds, "SELECT COUNT(*) FROM blocks")).isEqualTo(head + 1);
      assertThat(
              string(ds, "SELECT name FROM contracts WHERE address = '" + chain.twinAnchor + "'"))
          .isEqualTo("TwinAnchor");
      assertThat(count(ds, "SELECT COUNT(*) FROM contracts")).isEqualTo(3);
      assertThat(string(ds, "SELECT root FROM anchors WHERE anchor_id = 0"))
          .isEqualTo("0x" + HexFormat.of().formatHex(LiveChain.tree().root()));
      assertThat(string(ds, "SELECT method FROM txs WHERE hash = '" + chain.anchorTx + "'"))
          .isEqualTo("anchor");
      assertThat(count(ds, "SELECT COUNT(*) FROM device_events WHERE kind = 'registered'"))
          .isEqualTo(2);
      assertThat(string(ds, "SELECT device_id FROM device_events WHERE kind = 'revoked'"))
          .isEqualTo("0x" + HexFormat.of().formatHex(LiveChain.deviceId("vib-2")));
      assertThat(
              string(ds, "SELECT revert_reason FROM txs WHERE hash = '" + chain.revertedTx + "'"))
          .isEqualTo("caller is not a registered gateway");
      assertThat(string(ds, "SELECT event FROM logs WHERE tx_hash = '" + chain.anchorTx + "'"))
          .isEqualTo("Anchored");
    }
  }

  @Test
  void indexesEveryBlockTransactionAndDecodedBdtEventIntoTheEmbeddedDatabase() throws Exception {
    try (IndexDatabase db =
        new IndexDatabase(
            "jdbc:h2:file:" + dir.resolve("index"), Optional.empty(), Optional.empty(), 4)) {
      assertIndexesLiveChain(dir.resolve("chain"), db);
    }
  }

  @Test
  void indexesIntoPostgresql() throws Exception {
    String admin = "jdbc:postgresql://127.0.0.1:5432/postgres";
    String name =
        "bdt_explorer_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String password = UUID.randomUUID().toString();
    Connection root;
    try {
      java.util.Properties user = new java.util.Properties();
      user.setProperty("user", "postgres");
      root = new org.postgresql.Driver().connect(admin, user);
    } catch (SQLException e) {
      Assumptions.abort("PostgreSQL is not reachable at 127.0.0.1:5432: " + e.getMessage());
      return;
    }
    try (root;
        Statement s = root.createStatement()) {
      s.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'");
      s.execute("CREATE DATABASE " + name + " OWNER " + name);
      try (IndexDatabase db =
          new IndexDatabase(
              "jdbc:postgresql://127.0.0.1:5432/" + name,
              Optional.of(name),
              Optional.of(password),
              4)) {
        assertIndexesLiveChain(dir.resolve("chain"), db);
      } finally {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        s.execute("DROP ROLE IF EXISTS " + name);
      }
    }
  }

  static Node devNode(Path dir) throws Exception {
    return new Node(
        NodeConfig.of(DevNetwork.spec(DEV), dir)
            .withRpc(new InetSocketAddress("127.0.0.1", 0))
            .withMiner(DEV.miner().getEcKeyPair(), MiningShare.full(1))
            .withAutoMine(false, Duration.ofHours(1)));
  }

  @Test
  void replacesTheBlocksAndTransactionsOfABranchTheNodeAbandons() throws Exception {
    try (Node a = devNode(dir.resolve("a"));
        Node b = devNode(dir.resolve("b"));
        IndexDatabase db =
            new IndexDatabase("jdbc:h2:mem:reorg", Optional.empty(), Optional.empty(), 2)) {
      // branch A: a payment in block 1, then block 2
      Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + a.rpcPort()));
      RawTransaction pay =
          RawTransaction.createEtherTransaction(
              DevNetwork.CHAIN_ID,
              BigInteger.ZERO,
              BigInteger.valueOf(21_000),
              DEV.miner().getAddress(),
              BigInteger.TEN,
              BigInteger.ONE,
              BigInteger.valueOf(10_000_000_000L));
      String payment =
          web3j
              .ethSendRawTransaction(
                  Numeric.toHexString(TransactionEncoder.signMessage(pay, DEV.account())))
              .send()
              .getTransactionHash();
      web3j.shutdown();
      a.mineBlock().orElseThrow();
      a.mineBlock().orElseThrow();
      List<Indexer.Reorg> reorgs = new ArrayList<>();
      Indexer indexer = indexer("http://127.0.0.1:" + a.rpcPort(), db.dataSource(), reorgs);
      indexer.catchUp();
      assertThat(count(db.dataSource(), "SELECT COUNT(*) FROM txs WHERE hash = '" + payment + "'"))
          .isEqualTo(1);

      // branch B, longer, mined elsewhere without the payment, then given to A
      for (int i = 0; i < 4; i++) {
        b.mineBlock().orElseThrow();
      }
      for (long n = 1; n <= 4; n++) {
        a.chain().importBlock(b.chain().blockByNumber(n).orElseThrow());
      }
      assertThat(a.chain().head().hash()).isEqualTo(b.chain().head().hash());

      indexer.catchUp();
      assertThat(reorgs).containsExactly(new Indexer.Reorg(1, 2));
      for (long n = 0; n <= 4; n++) {
        assertThat(string(db.dataSource(), "SELECT hash FROM blocks WHERE number = " + n))
            .isEqualTo(b.chain().blockByNumber(n).orElseThrow().hash().toHexString());
      }
      assertThat(count(db.dataSource(), "SELECT COUNT(*) FROM txs")).isZero();
    }
  }
}
