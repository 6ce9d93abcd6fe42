// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title IStepVerifier
/// @author parallax
/// @notice The one-step oracle of the dispute game: judges the execution of a single L2 block.
/// @dev `DisputeGameManager.step` calls it once the bisection has narrowed a dispute to one block,
///      as the one-step proof does in Arbitrum-classic / Truebit interactive verification and
///      `IBigStepper` (the MIPS VM) does in the OP Stack `FaultDisputeGame`. Parallax's only
///      implementation is the attestation stub `prover-stub/contracts/AttestationVerifier.sol`
///      (trust assumption in prover-stub/README.md); a real fraud-proof VM or a validity proof
///      would implement the same interface.
interface IStepVerifier {
    /// @notice True iff `proof` shows that executing L2 block `l2BlockNumber` (its data committed on
    ///         L1 in the batch whose data hash is `batchDataHash`) on the state committed by
    ///         `preOutputRoot` yields `postOutputRoot`.
    /// @dev Must not revert on a malformed or insufficient proof: it returns false (the manager also
    ///      treats a revert as an invalid proof). View: it must not change state.
    /// @param preOutputRoot Output root of L2 block `l2BlockNumber - 1` (OP v0 output root).
    /// @param batchDataHash keccak256 of the batch bytes (`BatchInbox.Batch.dataHash`) holding the block.
    /// @param l2BlockNumber The L2 block whose execution is judged.
    /// @param postOutputRoot The claimed output root of L2 block `l2BlockNumber`.
    /// @param proof Implementation-specific proof bytes.
    /// @return valid Whether the proof establishes the transition.
    function verifyStep(
        bytes32 preOutputRoot,
        bytes32 batchDataHash,
        uint64 l2BlockNumber,
        bytes32 postOutputRoot,
        bytes calldata proof
    ) external view returns (bool valid);
}
