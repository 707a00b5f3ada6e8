package io.bdt.contracts.bench;

import io.bdt.contracts.merkle.MerkleTree;
import io.bdt.contracts.receipt.ServiceReceipt;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.web3j.crypto.Credentials;

/**
 * What the gateway pays off chain per anchor batch and per served task: building the Merkle tree of
 * a batch of twin snapshots (256-byte items), proving and verifying one item, and signing one
 * receipt (EIP-712 digest + secp256k1).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AnchorAndReceiptBenchmark {
  @Param({"64", "1024"})
  int items;

  List<byte[]> batch;
  MerkleTree tree;
  List<byte[]> proof;
  ServiceReceipt receipt;
  Credentials gateway = Credentials.create("0x" + "11".repeat(32));

  @Setup
  public void setUp() {
    Random r = new Random(1);
    batch = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      byte[] b = new byte[256];
      r.nextBytes(b);
      batch.add(b);
    }
    tree = MerkleTree.of(batch);
    proof = tree.proof(items / 3);
    receipt =
        new ServiceReceipt(
            new byte[32],
            gateway.getAddress(),
            gateway.getAddress(),
            BigInteger.valueOf(1_000_000),
            1500,
            42);
  }

  @Benchmark
  public byte[] buildTree() {
    return MerkleTree.of(batch).root();
  }

  @Benchmark
  public boolean proveAndVerify() {
    return MerkleTree.verify(tree.root(), batch.get(items / 3), tree.proof(items / 3));
  }

  @Benchmark
  public byte[] signReceipt() {
    return receipt.sign(1337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", gateway.getEcKeyPair());
  }
}
