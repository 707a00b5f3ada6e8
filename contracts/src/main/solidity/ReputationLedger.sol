// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {GatewayDirectory} from "./GatewayDirectory.sol";
import {ThresholdAdmins} from "./ThresholdAdmins.sol";

/// @title The APs' reputation, computed on chain from receipts that a gateway signs and the serving
/// AP co-signs for each served task, on a slot clock read from chain time.
/// @notice Fixed point with ONE = 1e18 = 1.0. Slots: slot(t) = (t - epoch) / slotSeconds for the
/// block timestamp t (seconds), so every party (gateways, APs, validators) numbers slots the same
/// way, across restarts. Per AP m and slot t, the contribution is x_m(t) = min(1, FLOPs served in t
/// / capacity F_m (FLOPs per slot)); when slot t closes, R_m <- (1 - omega) R_m + omega x_m(t), and
/// each of the k empty slots between t and the next slot with receipts decays R_m by (1 - omega),
/// applied as one factor (1 - omega)^k. A slot closes when a receipt for a later slot is recorded,
/// or when the chain clock has passed it by more than the receipt window (`settle`, callable by
/// anyone; reads apply it too). Every product rounds down (see docs/contracts.md for the exact rule
/// and its Java twin).
contract ReputationLedger is ThresholdAdmins, GatewayDirectory {
    uint256 public constant ONE = 1e18;
    /// Largest capacity (FLOPs per slot) and FLOPs per receipt: keeps x * ONE far from overflow.
    uint256 public constant MAX_FLOPS = 1e40;
    /// Largest receipt window (slots) either side of the current slot: keeps slot sums in uint64.
    uint64 public constant MAX_WINDOW_SLOTS = 2 ** 32;

    bytes32 public constant RECEIPT_TYPEHASH = keccak256(
        "Receipt(bytes32 taskId,address ap,address gateway,uint256 flopsServed,uint64 latencyMicros,uint64 slot)"
    );
    bytes32 private constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 private constant NAME_HASH = keccak256("B-DT ReputationLedger");
    bytes32 private constant VERSION_HASH = keccak256("2");

    /// Gateway `gateway` and AP `ap` both state that `ap` served task `taskId` of `gateway` in
    /// slot `slot`; both sign the same EIP-712 digest.
    struct Receipt {
        bytes32 taskId;
        address ap;
        address gateway;
        uint256 flopsServed;
        uint64 latencyMicros;
        uint64 slot;
    }

    /// What the ledger knows of one AP, as of its last settlement.
    struct AccessPoint {
        bool registered;
        uint64 openSlot; // the slot receipts add to; earlier slots are closed
        uint256 capacityFlopsPerSlot; // F_m
        uint256 reputation; // R_m as of the last closed slot, fixed point
        uint256 openSlotFlops; // FLOPs served so far in openSlot
    }

    /// omega in (0, ONE]: the weight of the newest slot.
    uint256 public immutable omega;
    /// Chain time (seconds, block timestamp) at which slot 0 starts.
    uint64 public immutable epoch;
    /// Slot length tau, seconds.
    uint64 public immutable slotSeconds;
    /// A receipt's slot may be at most this many slots before the current slot.
    uint64 public immutable maxReceiptAgeSlots;
    /// A receipt's slot may be at most this many slots after the current slot (clock skew).
    uint64 public immutable maxReceiptLeadSlots;

    mapping(address => bool) public override isGateway;
    address[] private gatewayList;
    mapping(address => AccessPoint) private aps;
    address[] private apList;
    /// taskId => counted
    mapping(bytes32 => bool) public receiptCounted;

    event GatewayAdded(address indexed gateway);
    event AccessPointAdded(address indexed ap, uint256 capacityFlopsPerSlot, uint256 reputation);
    event ReceiptRecorded(
        bytes32 indexed taskId,
        address indexed ap,
        address indexed gateway,
        uint64 slot,
        uint256 flopsServed,
        uint64 latencyMicros
    );
    event SlotClosed(
        address indexed ap, uint64 slot, uint256 contribution, uint64 emptySlotsAfter, uint256 reputation
    );

    constructor(
        address[] memory admins_,
        uint256 threshold_,
        uint256 omega_,
        uint64 epoch_,
        uint64 slotSeconds_,
        uint64 maxReceiptAgeSlots_,
        uint64 maxReceiptLeadSlots_
    ) ThresholdAdmins(admins_, threshold_) {
        require(omega_ > 0 && omega_ <= ONE, "omega: must be in (0, 1e18]");
        require(epoch_ <= block.timestamp, "epoch: must not be after the deployment block");
        require(slotSeconds_ > 0, "slotSeconds: must be > 0");
        require(
            maxReceiptAgeSlots_ > 0 && maxReceiptAgeSlots_ <= MAX_WINDOW_SLOTS,
            "maxReceiptAgeSlots: must be in [1, 2^32]"
        );
        require(maxReceiptLeadSlots_ <= MAX_WINDOW_SLOTS, "maxReceiptLeadSlots: must be <= 2^32");
        omega = omega_;
        epoch = epoch_;
        slotSeconds = slotSeconds_;
        maxReceiptAgeSlots = maxReceiptAgeSlots_;
        maxReceiptLeadSlots = maxReceiptLeadSlots_;
    }

    // ---- roles ------------------------------------------------------------------------------

    /// An admin's approval to register `gateway`; the threshold-th approval registers it.
    function approveGateway(address gateway) external {
        require(gateway != address(0), "gateway: zero address");
        require(!isGateway[gateway], "gateway already registered");
        if (approve(keccak256(abi.encode("gateway", gateway)))) {
            isGateway[gateway] = true;
            gatewayList.push(gateway);
            emit GatewayAdded(gateway);
        }
    }

    /// An admin's approval to register AP `ap` with capacity F_m (FLOPs per slot) and starting
    /// reputation (fixed point); the threshold-th approval of the same arguments registers it, with
    /// the current slot open (so an AP that never serves decays from registration on).
    function approveAccessPoint(address ap, uint256 capacityFlopsPerSlot, uint256 initialReputation)
        external
    {
        require(ap != address(0), "ap: zero address");
        require(!aps[ap].registered, "ap already registered");
        require(
            capacityFlopsPerSlot > 0 && capacityFlopsPerSlot <= MAX_FLOPS,
            "capacityFlopsPerSlot: must be in [1, 1e40]"
        );
        require(initialReputation <= ONE, "initialReputation: must be <= 1e18");
        if (approve(keccak256(abi.encode("ap", ap, capacityFlopsPerSlot, initialReputation)))) {
            aps[ap] = AccessPoint(true, currentSlot(), capacityFlopsPerSlot, initialReputation, 0);
            apList.push(ap);
            emit AccessPointAdded(ap, capacityFlopsPerSlot, initialReputation);
        }
    }

    // ---- receipts ---------------------------------------------------------------------------

    /// Records one receipt; anyone may submit it, the two signatures prove it.
    function submitReceipt(Receipt calldata receipt, bytes calldata gatewaySignature, bytes calldata apSignature)
        external
    {
        record(receipt, gatewaySignature, apSignature);
    }

    /// Records receipts in order; any bad receipt reverts the whole batch.
    function submitReceipts(
        Receipt[] calldata receipts,
        bytes[] calldata gatewaySignatures,
        bytes[] calldata apSignatures
    ) external {
        require(
            receipts.length == gatewaySignatures.length && receipts.length == apSignatures.length,
            "receipts and signatures differ in length"
        );
        for (uint256 i = 0; i < receipts.length; i++) {
            record(receipts[i], gatewaySignatures[i], apSignatures[i]);
        }
    }

    /// Closes, for each AP in `accessPoints_`, every slot the receipt window has passed (applying
    /// the decay of the empty ones). Anyone may call it: it only does what the clock already
    /// decided, and reads (`reputationOf`, `miningReputation`) give the same value without it.
    function settle(address[] calldata accessPoints_) external {
        uint64 horizon = closedBefore(currentSlot());
        for (uint256 i = 0; i < accessPoints_.length; i++) {
            AccessPoint storage a = aps[accessPoints_[i]];
            require(a.registered, "settle: not a registered AP");
            if (horizon > a.openSlot) {
                advance(accessPoints_[i], a, horizon);
            }
        }
    }

    function record(Receipt calldata r, bytes calldata gatewaySignature, bytes calldata apSignature)
        private
    {
        AccessPoint storage a = aps[r.ap];
        require(a.registered, "receipt names an AP that is not registered");
        require(isGateway[r.gateway], "receipt names a gateway that is not registered");
        require(r.flopsServed > 0 && r.flopsServed <= MAX_FLOPS, "flopsServed: must be in [1, 1e40]");
        uint64 now_ = currentSlot();
        require(r.slot <= now_ + maxReceiptLeadSlots, "receipt slot is ahead of the chain's slot clock");
        require(r.slot + maxReceiptAgeSlots >= now_, "receipt slot is older than the receipt window");
        bytes32 digest = receiptDigest(r);
        require(recoverSigner(digest, gatewaySignature) == r.gateway, "receipt not signed by its gateway");
        require(recoverSigner(digest, apSignature) == r.ap, "receipt not co-signed by its AP");
        require(!receiptCounted[r.taskId], "receipt already counted");
        receiptCounted[r.taskId] = true;
        if (r.slot > a.openSlot) {
            advance(r.ap, a, r.slot);
        } else {
            require(r.slot == a.openSlot, "receipt slot already closed");
        }
        a.openSlotFlops += r.flopsServed;
        emit ReceiptRecorded(r.taskId, r.ap, r.gateway, r.slot, r.flopsServed, r.latencyMicros);
    }

    function advance(address ap, AccessPoint storage a, uint64 nextSlot) private {
        uint256 x = contribution(a.openSlotFlops, a.capacityFlopsPerSlot);
        uint64 empty = nextSlot - a.openSlot - 1;
        uint256 rep = closeSlot(a.reputation, x, empty);
        emit SlotClosed(ap, a.openSlot, x, empty, rep);
        a.reputation = rep;
        a.openSlot = nextSlot;
        a.openSlotFlops = 0;
    }

    /// R after closing a slot of contribution x and `empty` empty slots after it.
    function closeSlot(uint256 reputation, uint256 x, uint64 empty) private view returns (uint256 rep) {
        rep = mulDown(ONE - omega, reputation) + mulDown(omega, x);
        if (empty > 0) {
            rep = mulDown(rep, powDown(ONE - omega, empty));
        }
    }

    // ---- slot clock -------------------------------------------------------------------------

    /// The slot of the current block: (block.timestamp - epoch) / slotSeconds.
    function currentSlot() public view returns (uint64) {
        if (block.timestamp < epoch) {
            return 0;
        }
        return uint64((block.timestamp - epoch) / slotSeconds);
    }

    /// The first slot that may still receive receipts when `slot` is current; earlier ones are final.
    function closedBefore(uint64 slot) private view returns (uint64) {
        return slot > maxReceiptAgeSlots ? slot - maxReceiptAgeSlots : 0;
    }

    // ---- reads ------------------------------------------------------------------------------

    /// R_m (fixed point, ONE = 1.0) with every slot the receipt window has passed closed, as
    /// `settle` would store it now; 0 for an unknown address.
    function reputationOf(address ap) public view returns (uint256) {
        AccessPoint storage a = aps[ap];
        uint64 horizon = closedBefore(currentSlot());
        if (!a.registered || horizon <= a.openSlot) {
            return a.reputation;
        }
        return closeSlot(
            a.reputation, contribution(a.openSlotFlops, a.capacityFlopsPerSlot), horizon - a.openSlot - 1
        );
    }

    /// What the chain node reads for the difficulty: whether `ap` is registered, and R_m as
    /// `reputationOf` gives it.
    function miningReputation(address ap) external view returns (bool registered, uint256 reputation) {
        return (aps[ap].registered, reputationOf(ap));
    }

    /// The ledger's stored record of `ap` (as of its last settlement).
    function accessPoint(address ap) external view returns (AccessPoint memory) {
        return aps[ap];
    }

    function isAccessPoint(address account) external view returns (bool) {
        return aps[account].registered;
    }

    function accessPoints() external view returns (address[] memory) {
        return apList;
    }

    function gateways() external view returns (address[] memory) {
        return gatewayList;
    }

    /// The EIP-712 digest the gateway and the AP sign for `r` on this chain and ledger.
    function receiptDigest(Receipt calldata r) public view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(RECEIPT_TYPEHASH, r.taskId, r.ap, r.gateway, r.flopsServed, r.latencyMicros, r.slot)
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    function domainSeparator() public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }

    // ---- fixed point ------------------------------------------------------------------------

    /// x = min(1, flops / capacity) in fixed point, rounded down.
    function contribution(uint256 flops, uint256 capacity) public pure returns (uint256) {
        if (flops >= capacity) {
            return ONE;
        }
        return flops * ONE / capacity;
    }

    function mulDown(uint256 a, uint256 b) internal pure returns (uint256) {
        return a * b / ONE;
    }

    /// base^k in fixed point by square-and-multiply, each product rounded down.
    function powDown(uint256 base, uint64 k) internal pure returns (uint256 result) {
        result = ONE;
        while (k > 0) {
            if (k & 1 == 1) {
                result = mulDown(result, base);
            }
            k >>= 1;
            if (k > 0) {
                base = mulDown(base, base);
            }
        }
    }

    function recoverSigner(bytes32 digest, bytes calldata signature) private pure returns (address) {
        require(signature.length == 65, "signature: must be 65 bytes (r, s, v)");
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (v < 27) {
            v += 27;
        }
        require(v == 27 || v == 28, "signature: v must be 27 or 28");
        address signer = ecrecover(digest, v, r, s);
        require(signer != address(0), "signature: invalid");
        return signer;
    }
}
