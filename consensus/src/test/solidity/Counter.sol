// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// Test contract for the consensus node: storage writes, events, view calls and a revert with a reason.
contract Counter {
    uint256 public count;

    event Incremented(address indexed by, uint256 count);

    constructor(uint256 start) {
        count = start;
    }

    function increment() external {
        count += 1;
        emit Incremented(msg.sender, count);
    }

    function get() external view returns (uint256) {
        return count;
    }

    function fail() external pure {
        revert("Counter: always fails");
    }
}
