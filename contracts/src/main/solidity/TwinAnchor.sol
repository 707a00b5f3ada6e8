// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {GatewayDirectory} from "./GatewayDirectory.sol";

/// @title Merkle roots of batches of twin snapshots and inference results, posted by gateways.
/// @notice Tree: leaf = keccak256(0x00 || item), inner node = keccak256(0x01 || min(a, b) || max(a, b))
/// (sorted pairs, so a proof is just the sibling hashes bottom-up); a node without a sibling moves
/// up unchanged. io.bdt.contracts.merkle.MerkleTree builds the same trees and proofs.
contract TwinAnchor {
    struct Anchor {
        address gateway;
        bytes32 root;
        uint64 leafCount;
        uint64 blockNumber;
        uint64 timestamp; // seconds, the block's
    }

    GatewayDirectory public immutable gatewayDirectory;
    Anchor[] private anchors;

    event Anchored(uint256 indexed anchorId, address indexed gateway, bytes32 root, uint64 leafCount);

    constructor(GatewayDirectory directory) {
        require(address(directory) != address(0), "gatewayDirectory: zero address");
        gatewayDirectory = directory;
    }

    /// Posts the root of a batch of `leafCount` items; returns the anchor's id (0, 1, ...).
    function anchor(bytes32 root, uint64 leafCount) external returns (uint256 anchorId) {
        require(gatewayDirectory.isGateway(msg.sender), "caller is not a registered gateway");
        require(root != bytes32(0), "root: must not be zero");
        require(leafCount > 0, "leafCount: must be > 0");
        anchorId = anchors.length;
        anchors.push(Anchor(msg.sender, root, leafCount, uint64(block.number), uint64(block.timestamp)));
        emit Anchored(anchorId, msg.sender, root, leafCount);
    }

    function anchorCount() external view returns (uint256) {
        return anchors.length;
    }

    function anchorOf(uint256 anchorId) external view returns (Anchor memory) {
        require(anchorId < anchors.length, "anchorId: no such anchor");
        return anchors[anchorId];
    }

    /// Whether `item` is in the batch of anchor `anchorId`, by `proof`.
    function verify(uint256 anchorId, bytes calldata item, bytes32[] calldata proof) external view returns (bool) {
        require(anchorId < anchors.length, "anchorId: no such anchor");
        return verifyProof(anchors[anchorId].root, item, proof);
    }

    /// Whether `proof` leads from `item`'s leaf to `root`.
    function verifyProof(bytes32 root, bytes calldata item, bytes32[] calldata proof) public pure returns (bool) {
        bytes32 node = keccak256(abi.encodePacked(bytes1(0x00), item));
        for (uint256 i = 0; i < proof.length; i++) {
            bytes32 sibling = proof[i];
            node = node < sibling
                ? keccak256(abi.encodePacked(bytes1(0x01), node, sibling))
                : keccak256(abi.encodePacked(bytes1(0x01), sibling, node));
        }
        return node == root;
    }
}
