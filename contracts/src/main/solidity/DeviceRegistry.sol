// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {GatewayDirectory} from "./GatewayDirectory.sol";

/// @title Device identities: which gateway owns each device, its credential hash, model and status.
/// @notice Only registered gateways register devices; only the owning gateway, while still
/// registered, rotates a device's credential. Revocation is the fail-safe direction: any registered
/// gateway, and the registry's admin (its deployer), may revoke any device, so a device can be cut
/// off through any gateway when its own is down or compromised; the event names who revoked. A
/// compromised gateway can thus deny service to other gateways' devices, never grant access. A
/// revoked device stays on record and is never enabled again (a new id is provisioned instead).
contract DeviceRegistry {
    enum Status {
        Unknown,
        Active,
        Revoked
    }

    struct Device {
        address gateway;
        bytes32 credentialHash; // hash of the device's credential or public key
        string model;
        Status status;
        uint64 registeredAtBlock;
        uint32 rotations;
    }

    GatewayDirectory public immutable gatewayDirectory;
    /// The registry's deployer: may revoke any device (an operator's way to cut a device off
    /// without a gateway key), nothing else.
    address public immutable admin;
    mapping(bytes32 => Device) private devices;
    uint256 public deviceCount;

    event DeviceRegistered(bytes32 indexed deviceId, address indexed gateway, bytes32 credentialHash, string model);
    event CredentialRotated(bytes32 indexed deviceId, bytes32 oldCredentialHash, bytes32 newCredentialHash);
    /// `gateway` owns the device; `revokedBy` sent the revocation (the owner, another gateway or the admin).
    event DeviceRevoked(bytes32 indexed deviceId, address indexed gateway, address indexed revokedBy);

    constructor(GatewayDirectory directory) {
        require(address(directory) != address(0), "gatewayDirectory: zero address");
        gatewayDirectory = directory;
        admin = msg.sender;
    }

    modifier onlyGateway() {
        require(gatewayDirectory.isGateway(msg.sender), "caller is not a registered gateway");
        _;
    }

    function registerDevice(bytes32 deviceId, bytes32 credentialHash, string calldata model) external onlyGateway {
        require(deviceId != bytes32(0), "deviceId: must not be zero");
        require(credentialHash != bytes32(0), "credentialHash: must not be zero");
        require(devices[deviceId].status == Status.Unknown, "device already registered");
        devices[deviceId] = Device(msg.sender, credentialHash, model, Status.Active, uint64(block.number), 0);
        deviceCount += 1;
        emit DeviceRegistered(deviceId, msg.sender, credentialHash, model);
    }

    function rotateCredential(bytes32 deviceId, bytes32 newCredentialHash) external onlyGateway {
        Device storage d = owned(deviceId);
        require(newCredentialHash != bytes32(0), "credentialHash: must not be zero");
        require(newCredentialHash != d.credentialHash, "credentialHash: unchanged");
        bytes32 old = d.credentialHash;
        d.credentialHash = newCredentialHash;
        d.rotations += 1;
        emit CredentialRotated(deviceId, old, newCredentialHash);
    }

    function revokeDevice(bytes32 deviceId) external {
        require(
            msg.sender == admin || gatewayDirectory.isGateway(msg.sender),
            "caller is neither a registered gateway nor the registry's admin"
        );
        Device storage d = devices[deviceId];
        require(d.status != Status.Unknown, "device not registered");
        require(d.status == Status.Active, "device revoked");
        d.status = Status.Revoked;
        emit DeviceRevoked(deviceId, d.gateway, msg.sender);
    }

    function device(bytes32 deviceId) external view returns (Device memory) {
        return devices[deviceId];
    }

    /// Whether `deviceId` is active and its current credential hash is `credentialHash`.
    function isCredentialValid(bytes32 deviceId, bytes32 credentialHash) external view returns (bool) {
        Device storage d = devices[deviceId];
        return d.status == Status.Active && d.credentialHash == credentialHash;
    }

    function owned(bytes32 deviceId) private view returns (Device storage d) {
        d = devices[deviceId];
        require(d.status != Status.Unknown, "device not registered");
        require(d.status == Status.Active, "device revoked");
        require(d.gateway == msg.sender, "caller is not the device's gateway");
    }
}
