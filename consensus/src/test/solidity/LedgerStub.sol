// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// Test stand-in for the ReputationLedger's mining view: reputations set by anyone (tests only).
contract LedgerStub {
    mapping(address => uint256) private reputationOf;
    mapping(address => bool) private known;

    function set(address ap, uint256 reputation) external {
        reputationOf[ap] = reputation;
        known[ap] = true;
    }

    function miningReputation(address ap) external view returns (bool registered, uint256 reputation) {
        return (known[ap], reputationOf[ap]);
    }
}
