package io.bdt.platform;

import io.bdt.ap.chain.NetworkContracts;
import io.bdt.ap.chain.PlatformChain;
import io.bdt.ap.chain.PlatformKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** The platform's contracts on its chain: the ones an earlier run deployed, or new ones. */
final class PlatformContracts {

  /** What keeps newly deployed contracts for the next run. */
  interface Keeper {
    void save(PlatformChain.Contracts contracts) throws IOException;
  }

  private PlatformContracts() {}

  /**
   * The contracts of {@code previous} when the chain at {@code rpcUrl} still has their code (the
   * run continues its chain), else newly deployed ones, handed to {@code keeper}.
   */
  static PlatformChain.Contracts deployOrContinue(
      String rpcUrl,
      Optional<DataDirectory.State> previous,
      PlatformKeys keys,
      int aps,
      PrintStream out,
      Keeper keeper)
      throws Exception {
    Web3j web3j = Web3j.build(new HttpService(rpcUrl));
    try {
      Optional<PlatformChain.Contracts> kept = previous.map(DataDirectory.State::contracts);
      if (kept.isPresent() && NetworkContracts.hasCode(web3j, kept.get().reputationLedger())) {
        out.println(
            "platform: "
                + aps
                + " APs up, continuing the chain at block "
                + web3j.ethBlockNumber().send().getBlockNumber()
                + " with its contracts");
        return kept.get();
      }
      out.println("platform: " + aps + " APs up, chain forming; deploying contracts");
      PlatformChain.Contracts contracts = NetworkContracts.deployPlatform(web3j, keys, out);
      keeper.save(contracts);
      return contracts;
    } finally {
      web3j.shutdown();
    }
  }
}
