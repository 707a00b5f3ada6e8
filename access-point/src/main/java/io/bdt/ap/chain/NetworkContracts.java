package io.bdt.ap.chain;

import io.bdt.consensus.chain.ChainSpec;
import io.bdt.contracts.generated.DeviceRegistry;
import io.bdt.contracts.generated.ReputationLedger;
import io.bdt.contracts.generated.TwinAnchor;
import io.bdt.contracts.reputation.LedgerDeployment;
import io.bdt.contracts.reputation.SlotClock;
import io.bdt.parameters.ChainParameters;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.util.List;
import org.web3j.crypto.ContractUtils;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * A network's contracts and their deployment: ReputationLedger (threshold {@code 2} of {@code
 * admins}, the genesis' {@code omega}, slot clock and {@code F_m}: its {@code system} section) as
 * the deployer's first transaction, TwinAnchor and DeviceRegistry as its second and third, so every
 * address is known before anything is deployed ({@link #addresses()}: the genesis and the services'
 * configuration name them in advance). {@link #deploy} is idempotent: it deploys only what the
 * chain lacks and approves only the APs and gateways not yet registered, so a re-run after a crash
 * or on a deployed chain is safe. The one deployment code: {@code ./bdt platform}, {@code ./bdt
 * latency}, the Kubernetes contracts Job ({@code ./bdt contracts deploy}) and the access point's
 * tests all deploy through it.
 */
public final class NetworkContracts {
  /** Gas for the deployment's transactions: the APs' own ({@link ApChain#GAS}). */
  public static final StaticGasProvider GAS = ApChain.GAS;

  private final Credentials deployer;
  private final List<Credentials> admins;
  private final long chainId;
  private final SlotClock clock;
  private final ChainParameters parameters;

  /** The contracts of the network whose genesis is {@code genesis}. */
  public NetworkContracts(Credentials deployer, List<Credentials> admins, ChainSpec genesis) {
    this(
        deployer,
        admins,
        genesis.chainId(),
        PlatformChain.slotClock(genesis),
        genesis.parameters());
  }

  private NetworkContracts(
      Credentials deployer,
      List<Credentials> admins,
      long chainId,
      SlotClock clock,
      ChainParameters parameters) {
    if (admins.size() < 2) {
      throw new IllegalArgumentException(
          "the ledger needs at least two admins (it approves with 2 of them), got "
              + admins.size());
    }
    this.deployer = deployer;
    this.admins = List.copyOf(admins);
    this.chainId = chainId;
    this.clock = clock;
    this.parameters = parameters;
  }

  /**
   * {@code omega} in the ledger's 1e18 fixed point.
   *
   * @throws IllegalArgumentException when it is not a whole number of 1e-18
   */
  public static BigInteger ledgerOmega(ChainParameters parameters) {
    return new java.math.BigDecimal(Double.toString(parameters.omega()))
        .movePointRight(18)
        .toBigIntegerExact();
  }

  /**
   * Deploys the one-machine platform's contracts (for its generated {@link PlatformKeys} and the
   * genesis {@link PlatformChain} builds from them) and approves its APs and gateways: what {@code
   * ./bdt platform} runs.
   */
  public static PlatformChain.Contracts deployPlatform(
      Web3j web3j, PlatformKeys keys, PrintStream out) throws Exception {
    NetworkContracts contracts =
        new NetworkContracts(keys.deployer(), keys.admins(), PlatformChain.genesis(keys));
    return contracts.deploy(
        web3j,
        keys.aps().stream().map(Credentials::getAddress).toList(),
        keys.gateways().stream().map(Credentials::getAddress).toList(),
        out);
  }

  /** The addresses the contracts get: the deployer's CREATE addresses at nonces 0, 1 and 2. */
  public PlatformChain.Contracts addresses() {
    return new PlatformChain.Contracts(created(0), created(1), created(2));
  }

  private String created(long nonce) {
    return Keys.toChecksumAddress(
        ContractUtils.generateContractAddress(deployer.getAddress(), BigInteger.valueOf(nonce)));
  }

  /**
   * Deploys what is missing of {@link #addresses()} on the chain {@code web3j} reaches and
   * registers every AP and gateway in {@code aps} and {@code gateways} the ledger does not hold
   * yet; reports each step on {@code out}.
   *
   * @throws IllegalStateException when a contract is missing but the deployer has already sent
   *     transactions past its slot (it could no longer land at its address)
   */
  public PlatformChain.Contracts deploy(
      Web3j web3j, List<String> aps, List<String> gateways, PrintStream out) throws Exception {
    PlatformChain.Contracts at = addresses();
    if (!hasCode(web3j, at.reputationLedger())) {
      expectNonce(web3j, 0, "ReputationLedger", at.reputationLedger());
      LedgerDeployment.deployLedger(
          web3j,
          as(web3j, deployer),
          GAS,
          admins.stream().map(Credentials::getAddress).toList(),
          ledgerOmega(parameters),
          clock);
      out.println("contracts: deployed ReputationLedger at " + at.reputationLedger());
    }
    for (String gateway : gateways) {
      if (!ledger(web3j, at, deployer).isGateway(gateway).send()) {
        vote(web3j, at, gateway, (l) -> l.approveGateway(gateway).send());
        out.println("contracts: approved gateway " + gateway);
      }
    }
    for (String ap : aps) {
      if (!ledger(web3j, at, deployer).isAccessPoint(ap).send()) {
        vote(
            web3j,
            at,
            ap,
            (l) ->
                l.approveAccessPoint(
                        ap, BigInteger.valueOf(parameters.ledgerCapacityFlops()), BigInteger.ZERO)
                    .send());
        out.println("contracts: approved AP " + ap);
      }
    }
    if (!hasCode(web3j, at.twinAnchor())) {
      expectNonce(web3j, 1, "TwinAnchor", at.twinAnchor());
      TwinAnchor.deploy(web3j, as(web3j, deployer), GAS, at.reputationLedger()).send();
      out.println("contracts: deployed TwinAnchor at " + at.twinAnchor());
    }
    if (!hasCode(web3j, at.deviceRegistry())) {
      expectNonce(web3j, 2, "DeviceRegistry", at.deviceRegistry());
      DeviceRegistry.deploy(web3j, as(web3j, deployer), GAS, at.reputationLedger()).send();
      out.println("contracts: deployed DeviceRegistry at " + at.deviceRegistry());
    }
    return at;
  }

  /** One admin's approval, as {@code approve} sends it through a ledger bound to that admin. */
  private interface Approval {
    void send(ReputationLedger asAdmin) throws Exception;
  }

  /**
   * Approves {@code who} with the admins' votes until the ledger registers it: an admin whose vote
   * an earlier, interrupted run already cast is refused by the ledger and the next admin votes.
   */
  private void vote(Web3j web3j, PlatformChain.Contracts at, String who, Approval approve)
      throws Exception {
    Exception last = null;
    for (Credentials admin : admins) {
      try {
        approve.send(ledger(web3j, at, admin));
      } catch (Exception refused) {
        last = refused;
        continue;
      }
      ReputationLedger l = ledger(web3j, at, admin);
      if (l.isGateway(who).send() || l.isAccessPoint(who).send()) {
        return;
      }
    }
    throw new IllegalStateException(
        "the admins' votes did not register " + who + (last == null ? "" : ": " + last), last);
  }

  private ReputationLedger ledger(Web3j web3j, PlatformChain.Contracts at, Credentials who) {
    return ReputationLedger.load(at.reputationLedger(), web3j, as(web3j, who), GAS);
  }

  private void expectNonce(Web3j web3j, long nonce, String contract, String address)
      throws IOException {
    BigInteger sent =
        web3j
            .ethGetTransactionCount(deployer.getAddress(), DefaultBlockParameterName.LATEST)
            .send()
            .getTransactionCount();
    if (sent.longValueExact() != nonce) {
      throw new IllegalStateException(
          contract
              + " is not at "
              + address
              + " but the deployer "
              + deployer.getAddress()
              + " has sent "
              + sent
              + " transactions (expected "
              + nonce
              + "): it can no longer be deployed there; the deployer key must send nothing but"
              + " the deployment");
    }
  }

  /** Whether the chain holds code at {@code address}. */
  public static boolean hasCode(Web3j web3j, String address) throws IOException {
    String code = web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
    return code != null && code.length() > 2;
  }

  private RawTransactionManager as(Web3j web3j, Credentials who) {
    return new RawTransactionManager(
        web3j, who, chainId, new PollingTransactionReceiptProcessor(web3j, 100, 600));
  }
}
