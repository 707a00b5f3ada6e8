package io.bdt.gateway.chain;

import io.bdt.contracts.generated.DeviceRegistry;
import io.bdt.contracts.generated.TwinAnchor;
import io.bdt.gateway.device.DeviceRecord;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Numeric;

/**
 * Sends one {@link ChainWrite} from the gateway's account unless the chain already has it, and
 * finds what the chain is missing of the local records (reconciliation). Every check reads the
 * chain first, so a write replayed after a restart, or sent by an earlier process whose
 * acknowledgement was lost, lands once: an anchor is looked up among this gateway's roots in
 * TwinAnchor, a device by its DeviceRegistry status.
 *
 * <p>Not thread-safe: the outbox's one thread uses it.
 */
public final class ChainWriter {

  /** What a write did. */
  public enum Result {
    /** The transaction(s) were mined. */
    SENT,
    /** The chain already had it; nothing was sent. */
    ALREADY_ON_CHAIN
  }

  /** The chain holds a state this gateway must not overwrite (e.g. another gateway's device). */
  public static final class ConflictException extends Exception {
    ConflictException(String message) {
      super(message);
    }
  }

  /** DeviceRegistry's {@code Status}. */
  private static final BigInteger UNKNOWN = BigInteger.ZERO;

  private static final BigInteger REVOKED = BigInteger.TWO;

  private final Web3j web3j;
  private final String account;
  private final Optional<TwinAnchor> anchor;
  private final Optional<DeviceRegistry> registry;

  /** Roots this gateway anchored in TwinAnchor (0x lower-case hex), from anchors [0, scanned). */
  private final Set<String> anchoredRoots = new HashSet<>();

  private long scanned;

  public ChainWriter(
      Web3j web3j, String account, Optional<TwinAnchor> anchor, Optional<DeviceRegistry> registry) {
    this.web3j = web3j;
    this.account = account;
    this.anchor = anchor;
    this.registry = registry;
  }

  /** The gateway's chain address. */
  public String account() {
    return account;
  }

  /**
   * Whether the node holds transactions of this account not yet mined (pending nonce above the
   * mined one): until they are, the chain cannot say whether a write has landed, so none is checked
   * or sent.
   */
  public boolean hasUnminedTransactions() throws IOException {
    BigInteger pending =
        web3j
            .ethGetTransactionCount(account, DefaultBlockParameterName.PENDING)
            .send()
            .getTransactionCount();
    BigInteger mined =
        web3j
            .ethGetTransactionCount(account, DefaultBlockParameterName.LATEST)
            .send()
            .getTransactionCount();
    return pending.compareTo(mined) > 0;
  }

  /**
   * Brings the chain to {@code write}'s state: sends it, or nothing when the chain has it already.
   *
   * @throws ConflictException when the chain holds another gateway's record for it
   * @throws IllegalStateException when its contract is not configured
   */
  public Result write(ChainWrite write) throws Exception {
    return switch (write) {
      case ChainWrite.Anchor a -> anchor(a);
      case ChainWrite.Register r -> register(r);
      case ChainWrite.Revoke r -> revoke(r);
    };
  }

  private Result anchor(ChainWrite.Anchor a) throws Exception {
    TwinAnchor contract = anchorContract();
    if (anchored(a.root())) {
      return Result.ALREADY_ON_CHAIN;
    }
    contract
        .anchor(Numeric.hexStringToByteArray(a.root()), BigInteger.valueOf(a.leafCount()))
        .send();
    anchoredRoots.add(a.root());
    return Result.SENT;
  }

  private Result register(ChainWrite.Register r) throws Exception {
    DeviceRegistry contract = registryContract();
    DeviceRegistry.Device onChain =
        contract.device(ChainDeviceLedger.chainDeviceId(r.deviceId())).send();
    if (UNKNOWN.equals(onChain.status)) {
      contract
          .registerDevice(
              ChainDeviceLedger.chainDeviceId(r.deviceId()),
              Numeric.hexStringToByteArray(r.credentialHash()),
              r.profileId())
          .send();
      return Result.SENT;
    }
    requireOurs(r.deviceId(), r.credentialHash(), onChain);
    return Result.ALREADY_ON_CHAIN;
  }

  private Result revoke(ChainWrite.Revoke r) throws Exception {
    DeviceRegistry contract = registryContract();
    byte[] id = ChainDeviceLedger.chainDeviceId(r.deviceId());
    DeviceRegistry.Device onChain = contract.device(id).send();
    if (UNKNOWN.equals(onChain.status)) {
      // its registration never reached the chain: register, then revoke
      register(new ChainWrite.Register(r.deviceId(), r.credentialHash(), r.profileId()));
    } else {
      requireOurs(r.deviceId(), r.credentialHash(), onChain);
      if (REVOKED.equals(onChain.status)) {
        return Result.ALREADY_ON_CHAIN;
      }
    }
    contract.revokeDevice(id).send();
    return Result.SENT;
  }

  private void requireOurs(String deviceId, String credentialHash, DeviceRegistry.Device onChain)
      throws ConflictException {
    if (!account.equalsIgnoreCase(onChain.gateway)) {
      throw new ConflictException(
          "device "
              + deviceId
              + " is registered in DeviceRegistry by gateway "
              + onChain.gateway
              + ", not by this gateway "
              + account);
    }
    if (!Numeric.toHexStringNoPrefix(onChain.credentialHash)
        .equalsIgnoreCase(Numeric.cleanHexPrefix(credentialHash))) {
      throw new ConflictException(
          "device "
              + deviceId
              + " is in DeviceRegistry with credential hash 0x"
              + Numeric.toHexStringNoPrefix(onChain.credentialHash)
              + ", the local ledger has "
              + credentialHash);
    }
  }

  /**
   * The writes that bring the chain up to the local records, in order: every root of {@code
   * localRoots} this gateway has not anchored (each once), then, per device of {@code devices}, a
   * registration for one the chain does not know and a revocation for one revoked locally but not
   * on chain. Devices the chain holds for another gateway are left out and returned in {@code
   * conflicts}.
   */
  public List<ChainWrite> missing(
      List<ChainWrite.Anchor> localRoots, Collection<DeviceRecord> devices, List<String> conflicts)
      throws Exception {
    List<ChainWrite> out = new ArrayList<>();
    if (anchor.isPresent()) {
      Set<String> seen = new LinkedHashSet<>();
      for (ChainWrite.Anchor a : localRoots) {
        if (seen.add(a.root()) && !anchored(a.root())) {
          out.add(a);
        }
      }
    }
    if (registry.isPresent()) {
      for (DeviceRecord d : devices) {
        DeviceRegistry.Device onChain =
            registry.get().device(ChainDeviceLedger.chainDeviceId(d.deviceId())).send();
        if (UNKNOWN.equals(onChain.status)) {
          out.add(d.revoked() ? ChainWrite.Revoke.of(d) : ChainWrite.Register.of(d));
          continue;
        }
        try {
          requireOurs(d.deviceId(), d.chainCredentialHash(), onChain);
        } catch (ConflictException e) {
          conflicts.add(e.getMessage());
          continue;
        }
        if (d.revoked() && !REVOKED.equals(onChain.status)) {
          out.add(ChainWrite.Revoke.of(d));
        }
      }
    }
    return out;
  }

  /** Whether this gateway anchored {@code root}; reads the anchors posted since the last look. */
  private boolean anchored(String root) throws Exception {
    if (anchoredRoots.contains(root)) {
      return true;
    }
    TwinAnchor contract = anchorContract();
    long count = contract.anchorCount().send().longValueExact();
    for (; scanned < count; scanned++) {
      TwinAnchor.Anchor a = contract.anchorOf(BigInteger.valueOf(scanned)).send();
      if (account.equalsIgnoreCase(a.gateway)) {
        anchoredRoots.add(Numeric.toHexString(a.root));
      }
    }
    return anchoredRoots.contains(root);
  }

  private TwinAnchor anchorContract() {
    return anchor.orElseThrow(
        () ->
            new IllegalStateException(
                "an anchor is queued but bdt.gateway.chain.anchor-address is not set"));
  }

  private DeviceRegistry registryContract() {
    return registry.orElseThrow(
        () ->
            new IllegalStateException(
                "a device write is queued but bdt.gateway.chain.registry-address is not set"));
  }
}
