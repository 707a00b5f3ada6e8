// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title A fixed set of admins of which `threshold` must approve the same action before it runs.
/// @notice An action is identified by the hash of its kind and arguments; each admin approves it
/// once, and the approval that reaches the threshold executes it. Approvals of an executed action
/// are spent, so the same action must be approved again to run again.
abstract contract ThresholdAdmins {
    mapping(address => bool) public isAdmin;
    address[] private adminList;
    uint256 public immutable threshold;

    /// action id => number of approvals so far
    mapping(bytes32 => uint256) public approvals;
    /// action id => admin => approved (per round: see `round`)
    mapping(bytes32 => mapping(uint256 => mapping(address => bool))) private approvedBy;
    /// action id => how many times it has executed
    mapping(bytes32 => uint256) public round;

    event ActionApproved(bytes32 indexed action, address indexed admin, uint256 approvals);
    event ActionExecuted(bytes32 indexed action);

    constructor(address[] memory admins_, uint256 threshold_) {
        require(admins_.length > 0, "admins: at least one admin is required");
        require(threshold_ > 0 && threshold_ <= admins_.length, "threshold: must be in [1, admins]");
        for (uint256 i = 0; i < admins_.length; i++) {
            require(admins_[i] != address(0), "admins: zero address");
            require(!isAdmin[admins_[i]], "admins: duplicate admin");
            isAdmin[admins_[i]] = true;
            adminList.push(admins_[i]);
        }
        threshold = threshold_;
    }

    /// The admins in the order given at deployment.
    function admins() external view returns (address[] memory) {
        return adminList;
    }

    /// Records the caller's approval of `action`; returns true when this approval reached the
    /// threshold, in which case the caller must execute the action in the same transaction.
    function approve(bytes32 action) internal returns (bool) {
        require(isAdmin[msg.sender], "caller is not an admin");
        uint256 r = round[action];
        require(!approvedBy[action][r][msg.sender], "admin already approved this action");
        approvedBy[action][r][msg.sender] = true;
        uint256 n = approvals[action] + 1;
        emit ActionApproved(action, msg.sender, n);
        if (n < threshold) {
            approvals[action] = n;
            return false;
        }
        approvals[action] = 0;
        round[action] = r + 1;
        emit ActionExecuted(action);
        return true;
    }
}
