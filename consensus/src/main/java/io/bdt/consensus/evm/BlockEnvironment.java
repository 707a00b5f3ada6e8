package io.bdt.consensus.evm;

import java.math.BigInteger;
import java.util.function.LongFunction;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;

/**
 * What the EVM sees of the block a transaction runs in: chain id, coinbase (the miner), block gas
 * limit, number, timestamp (seconds), base fee (wei per gas), and the hashes of ancestors for
 * BLOCKHASH (zero hash when unknown).
 */
public record BlockEnvironment(
    long chainId,
    Bytes coinbase,
    long gasLimit,
    long number,
    long timestamp,
    BigInteger baseFee,
    LongFunction<Bytes32> ancestorHash) {}
