// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {OutputOracle} from "../OutputOracle.sol";

/// @title ReentrantWithdrawer
/// @author parallax
/// @notice TEST ONLY (never deployed by `deployRollupContracts`): a challenger contract whose
///         `receive` hook re-enters `OutputOracle.withdraw`, used by test/contracts to show that
///         a re-entrant withdrawal fails and pays nothing extra.
contract ReentrantWithdrawer {
    /// @notice The oracle under attack.
    OutputOracle public immutable oracle;

    /// @notice When true, `receive` re-enters `withdraw` once.
    bool public reenter;

    /// @notice When true, `receive` catches the re-entry's revert (so the outer transfer succeeds);
    ///         when false the revert propagates and the outer `withdraw` fails.
    bool public swallow;

    /// @notice Times `receive` re-entered.
    uint256 public reentries;

    /// @notice Whether a re-entrant `withdraw` ever succeeded.
    bool public reentrySucceeded;

    /// @notice Revert data of the last caught re-entry.
    bytes public reentryError;

    /// @param oracle_ The oracle.
    constructor(OutputOracle oracle_) {
        oracle = oracle_;
    }

    /// @notice Sets the `receive` behaviour.
    /// @param reenter_ Re-enter `withdraw` from `receive`.
    /// @param swallow_ Catch the re-entry's revert.
    function setMode(bool reenter_, bool swallow_) external {
        reenter = reenter_;
        swallow = swallow_;
    }

    /// @notice Challenges `batchIndex` with `msg.value` as the bond, as this contract.
    /// @param batchIndex The output to challenge.
    function challenge(uint256 batchIndex) external payable {
        oracle.challenge{value: msg.value}(batchIndex);
    }

    /// @notice Withdraws this contract's credit.
    function withdraw() external {
        oracle.withdraw();
    }

    /// @notice Re-enters `withdraw` once when `reenter` is set.
    receive() external payable {
        if (!reenter || reentries > 0) return;
        reentries += 1;
        if (swallow) {
            try oracle.withdraw() {
                reentrySucceeded = true;
            } catch (bytes memory err) {
                reentryError = err;
            }
        } else {
            oracle.withdraw();
        }
    }
}
