// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {GatewayDirectory} from "./GatewayDirectory.sol";
import {ThresholdAdmins} from "./ThresholdAdmins.sol";

/// @title The APs' reputation, computed on chain from receipts that gateways sign for served tasks.
/// @notice Fixed point with ONE = 1e18 = 1.0. Per AP m and slot t, the contribution is
/// x_m(t) = min(1, FLOPs served in t / capacity F_m (FLOPs per slot)); when slot t closes,
/// R_m <- (1 - omega) R_m + omega x_m(t), and each of the k empty slots between t and the next
/// slot with receipts decays R_m by (1 - omega), applied as one factor (1 - omega)^k. Every product
/// rounds down (see docs/contracts.md for the exact rule and its Java twin).
contract ReputationLedger is ThresholdAdmins, GatewayDirectory {
    uint256 public constant ONE = 1e18;
    /// Largest capacity (FLOPs per slot) and FLOPs per receipt: keeps x * ONE far from overflow.
    uint256 public constant MAX_FLOPS = 1e40;

    bytes32 public constant RECEIPT_TYPEHASH = keccak256(
        "Receipt(bytes32 taskId,address ap,uint256 flopsServed,uint64 latencyMicros,uint64 slot)"
    );
    bytes32 private constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 private constant NAME_HASH = keccak256("B-DT ReputationLedger");
    bytes32 private constant VERSION_HASH = keccak256("1");

    /// A gateway's statement that AP `ap` served task `taskId` in slot `slot`.
    struct Receipt {
        bytes32 taskId;
        address ap;
        uint256 flopsServed;
        uint64 latencyMicros;
        uint64 slot;
    }

    /// What the ledger knows of one AP.
    struct AccessPoint {
        bool registered;
        bool started; // has an open slot (set by its first receipt)
        uint64 openSlot;
        uint256 capacityFlopsPerSlot; // F_m
        uint256 reputation; // R_m, fixed point
        uint256 openSlotFlops; // FLOPs served so far in openSlot
    }

    /// omega in (0, ONE]: the weight of the newest slot.
    uint256 public immutable omega;

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

    constructor(address[] memory admins_, uint256 threshold_, uint256 omega_)
        ThresholdAdmins(admins_, threshold_)
    {
        require(omega_ > 0 && omega_ <= ONE, "omega: must be in (0, 1e18]");
        omega = omega_;
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
    /// reputation (fixed point); the threshold-th approval of the same arguments registers it.
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
            aps[ap] = AccessPoint(true, false, 0, capacityFlopsPerSlot, initialReputation, 0);
            apList.push(ap);
            emit AccessPointAdded(ap, capacityFlopsPerSlot, initialReputation);
        }
    }

    // ---- receipts ---------------------------------------------------------------------------

    /// Records one receipt; the caller is the AP it names, the signer a registered gateway.
    function submitReceipt(Receipt calldata receipt, bytes calldata signature) external {
        record(receipt, signature);
    }

    /// Records receipts in order; any bad receipt reverts the whole batch.
    function submitReceipts(Receipt[] calldata receipts, bytes[] calldata signatures) external {
        require(receipts.length == signatures.length, "receipts and signatures differ in length");
        for (uint256 i = 0; i < receipts.length; i++) {
            record(receipts[i], signatures[i]);
        }
    }

    /// Closes the caller's open slot and any empty slots before `nextSlot`, which becomes open.
    function closeSlot(uint64 nextSlot) external {
        AccessPoint storage a = aps[msg.sender];
        require(a.registered, "caller is not a registered AP");
        require(a.started, "ap has no open slot");
        require(nextSlot > a.openSlot, "nextSlot: must be after the open slot");
        advance(msg.sender, a, nextSlot);
    }

    function record(Receipt calldata r, bytes calldata signature) private {
        AccessPoint storage a = aps[msg.sender];
        require(a.registered, "caller is not a registered AP");
        require(r.ap == msg.sender, "receipt names another AP");
        require(r.flopsServed > 0 && r.flopsServed <= MAX_FLOPS, "flopsServed: must be in [1, 1e40]");
        address gateway = recoverSigner(receiptDigest(r), signature);
        require(isGateway[gateway], "receipt not signed by a registered gateway");
        require(!receiptCounted[r.taskId], "receipt already counted");
        receiptCounted[r.taskId] = true;
        if (!a.started) {
            a.started = true;
            a.openSlot = r.slot;
        } else if (r.slot > a.openSlot) {
            advance(msg.sender, a, r.slot);
        } else {
            require(r.slot == a.openSlot, "receipt slot already closed");
        }
        a.openSlotFlops += r.flopsServed;
        emit ReceiptRecorded(r.taskId, r.ap, gateway, r.slot, r.flopsServed, r.latencyMicros);
    }

    function advance(address ap, AccessPoint storage a, uint64 nextSlot) private {
        uint256 x = contribution(a.openSlotFlops, a.capacityFlopsPerSlot);
        uint256 rep = mulDown(ONE - omega, a.reputation) + mulDown(omega, x);
        uint64 empty = nextSlot - a.openSlot - 1;
        if (empty > 0) {
            rep = mulDown(rep, powDown(ONE - omega, empty));
        }
        emit SlotClosed(ap, a.openSlot, x, empty, rep);
        a.reputation = rep;
        a.openSlot = nextSlot;
        a.openSlotFlops = 0;
    }

    // ---- reads ------------------------------------------------------------------------------

    /// R_m (fixed point, ONE = 1.0) as of the last closed slot; 0 for an unknown address.
    function reputationOf(address ap) external view returns (uint256) {
        return aps[ap].reputation;
    }

    /// What the chain node reads for the difficulty: whether `ap` is registered, and R_m.
    function miningReputation(address ap) external view returns (bool registered, uint256 reputation) {
        AccessPoint storage a = aps[ap];
        return (a.registered, a.reputation);
    }

    /// The ledger's record of `ap`.
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

    /// The EIP-712 digest a gateway signs for `r` on this chain and ledger.
    function receiptDigest(Receipt calldata r) public view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(RECEIPT_TYPEHASH, r.taskId, r.ap, r.flopsServed, r.latencyMicros, r.slot)
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
