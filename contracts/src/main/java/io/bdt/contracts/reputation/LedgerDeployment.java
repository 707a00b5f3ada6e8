package io.bdt.contracts.reputation;

import io.bdt.contracts.generated.DeviceRegistry;
import io.bdt.contracts.generated.ReputationLedger;
import io.bdt.contracts.generated.TwinAnchor;
import java.math.BigInteger;
import java.util.List;
import org.web3j.protocol.Web3j;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;

/**
 * How a B-DT ReputationLedger is deployed (its admins, a registration needing {@link #APPROVALS} of
 * their votes, {@code omega} and the {@link SlotClock} as its constructor takes them) and how its
 * admins register gateways and APs; and the contracts that name the ledger (TwinAnchor,
 * DeviceRegistry). The one place of that constructor call: the access point's NetworkContracts (the
 * platform and the Kubernetes Job) and the test chains of the contracts, gateway-twin and explorer
 * modules deploy through it.
 */
public final class LedgerDeployment {

  /** Admin votes a gateway or AP registration needs. */
  public static final BigInteger APPROVALS = BigInteger.TWO;

  private LedgerDeployment() {}

  /** The addresses of one deployment's contracts. */
  public record Addresses(String reputationLedger, String twinAnchor, String deviceRegistry) {}

  /**
   * Deploys a ReputationLedger with {@code admins} (addresses), {@link #APPROVALS} votes per
   * registration, {@code omega} (1e18 fixed point) and {@code clock}, sent by {@code deployer}.
   */
  public static ReputationLedger deployLedger(
      Web3j web3j,
      TransactionManager deployer,
      ContractGasProvider gas,
      List<String> admins,
      BigInteger omega,
      SlotClock clock)
      throws Exception {
    return ReputationLedger.deploy(
            web3j,
            deployer,
            gas,
            admins,
            APPROVALS,
            omega,
            BigInteger.valueOf(clock.epochSeconds()),
            BigInteger.valueOf(clock.slotSeconds()),
            BigInteger.valueOf(clock.maxReceiptAgeSlots()),
            BigInteger.valueOf(clock.maxReceiptLeadSlots()))
        .send();
  }

  /**
   * {@link #deployLedger}, then TwinAnchor and DeviceRegistry naming it: the deployer's next three
   * transactions, in that order.
   */
  public static Addresses deployAll(
      Web3j web3j,
      TransactionManager deployer,
      ContractGasProvider gas,
      List<String> admins,
      BigInteger omega,
      SlotClock clock)
      throws Exception {
    String ledger = deployLedger(web3j, deployer, gas, admins, omega, clock).getContractAddress();
    String anchor = TwinAnchor.deploy(web3j, deployer, gas, ledger).send().getContractAddress();
    String registry =
        DeviceRegistry.deploy(web3j, deployer, gas, ledger).send().getContractAddress();
    return new Addresses(ledger, anchor, registry);
  }

  /** Registers gateway {@code gateway}: each of {@code voters} (admins) sends its approval. */
  public static void approveGateway(
      Web3j web3j,
      String ledger,
      ContractGasProvider gas,
      List<? extends TransactionManager> voters,
      String gateway)
      throws Exception {
    for (TransactionManager admin : voters) {
      ReputationLedger.load(ledger, web3j, admin, gas).approveGateway(gateway).send();
    }
  }

  /**
   * Registers AP {@code ap} with capacity {@code capacityFlopsPerSlot} (F_m) and initial {@code
   * reputation} (1e18 fixed point): each of {@code voters} (admins) sends its approval.
   */
  public static void approveAccessPoint(
      Web3j web3j,
      String ledger,
      ContractGasProvider gas,
      List<? extends TransactionManager> voters,
      String ap,
      BigInteger capacityFlopsPerSlot,
      BigInteger reputation)
      throws Exception {
    for (TransactionManager admin : voters) {
      ReputationLedger.load(ledger, web3j, admin, gas)
          .approveAccessPoint(ap, capacityFlopsPerSlot, reputation)
          .send();
    }
  }
}
