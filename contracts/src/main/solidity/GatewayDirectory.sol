// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title Who the registered gateways are (implemented by ReputationLedger).
interface GatewayDirectory {
    function isGateway(address account) external view returns (bool);
}
