// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {BatchInbox} from "./BatchInbox.sol";

/// @title OutputOracle
/// @author parallax
/// @notice Holds the proposer's claimed L2 outputs, one per `BatchInbox` batch, and finalizes them
///         after a challenge window in which anyone may challenge them by posting a bond.
/// @dev A simplified OP Stack L2OutputOracle. Output `i` claims the L2 state after the last block
///      of inbox batch `i`. Lifecycle: None -> Proposed -> Finalized (after the window, in batch
///      order), or Proposed -> Challenged (frozen: it can never finalize here; a later dispute game
///      resolves it). Bonds stay in this contract; withdrawal and slashing come with the dispute
///      game.
contract OutputOracle {
    /// @notice Lifecycle of an output.
    /// @dev None: never proposed. Proposed: in or past its challenge window, unchallenged.
    ///      Challenged: frozen until a dispute game resolves it. Finalized: final.
    enum Status {
        None,
        Proposed,
        Challenged,
        Finalized
    }

    /// @notice One proposed output.
    /// @dev `l2BlockNumber` is the `lastBlock` of the matching inbox batch; `timestamp` is the L1
    ///      block timestamp (seconds) of the proposal; `challenger` is zero unless challenged.
    struct Output {
        bytes32 stateRoot;
        bytes32 outputRoot;
        uint64 l2BlockNumber;
        uint64 timestamp;
        Status status;
        address challenger;
    }

    /// @notice The caller is not the proposer.
    /// @param caller The rejected `msg.sender`.
    error NotProposer(address caller);

    /// @notice Outputs must be proposed in batch order.
    /// @param expected `nextBatchIndex()`.
    /// @param got The batch index that was passed.
    error UnexpectedBatchIndex(uint256 expected, uint256 got);

    /// @notice The inbox does not hold the batch the output is for.
    /// @param batchIndex The batch index that was passed.
    error BatchNotPosted(uint256 batchIndex);

    /// @notice The proposer's deposited bond is below `proposerBond()`.
    /// @param required `proposerBond()` in wei.
    /// @param actual `proposerBondBalance()` in wei.
    error InsufficientBond(uint256 required, uint256 actual);

    /// @notice `msg.value` is not exactly `challengerBond()`.
    /// @param required `challengerBond()` in wei.
    /// @param sent `msg.value` in wei.
    error WrongBond(uint256 required, uint256 sent);

    /// @notice No output has been proposed for this batch.
    /// @param batchIndex The batch index that was passed.
    error OutputNotFound(uint256 batchIndex);

    /// @notice The output is not in the Proposed state, so it cannot be challenged.
    /// @param batchIndex The batch index that was passed.
    /// @param status The output's current status.
    error OutputNotChallengeable(uint256 batchIndex, Status status);

    /// @notice The challenge window of the output has closed.
    /// @param batchIndex The batch index that was passed.
    /// @param deadline The L1 timestamp (seconds) at which the window closed.
    error ChallengeWindowClosed(uint256 batchIndex, uint256 deadline);

    /// @notice The output is already finalized.
    /// @param batchIndex The batch index that was passed.
    error AlreadyFinalized(uint256 batchIndex);

    /// @notice The output was challenged and is frozen until a dispute game resolves it.
    /// @param batchIndex The batch index that was passed.
    error OutputFrozen(uint256 batchIndex);

    /// @notice The challenge window of the output is still open.
    /// @param batchIndex The batch index that was passed.
    /// @param deadline The L1 timestamp (seconds) from which the output can be finalized.
    error ChallengeWindowOpen(uint256 batchIndex, uint256 deadline);

    /// @notice The output before this one is not finalized yet (outputs finalize in order).
    /// @param batchIndex The batch index that was passed.
    error PreviousOutputNotFinalized(uint256 batchIndex);

    /// @notice No output has been finalized yet.
    error NoFinalizedOutput();

    /// @notice A constructor address argument is the zero address.
    error ZeroAddress();

    /// @notice The proposer deposited bond.
    /// @param proposer The proposer.
    /// @param amount Wei deposited by this call.
    /// @param balance The proposer's bond balance after the deposit, in wei.
    event BondDeposited(address indexed proposer, uint256 amount, uint256 balance);

    /// @notice An output was proposed.
    /// @param batchIndex The inbox batch the output is for.
    /// @param l2BlockNumber The last L2 block of that batch.
    /// @param stateRoot The L2 state root after `l2BlockNumber`.
    /// @param outputRoot The output root committed for `l2BlockNumber`.
    /// @param timestamp L1 timestamp (seconds) of the proposal; the window ends at
    ///        `timestamp + challengeWindow()`.
    event OutputProposed(
        uint256 indexed batchIndex, uint64 l2BlockNumber, bytes32 stateRoot, bytes32 outputRoot, uint64 timestamp
    );

    /// @notice An output was challenged and is now frozen.
    /// @param batchIndex The challenged output's batch index.
    /// @param challenger The challenger.
    /// @param bond The bond posted, in wei.
    event OutputChallenged(uint256 indexed batchIndex, address indexed challenger, uint256 bond);

    /// @notice An output was finalized.
    /// @param batchIndex The finalized output's batch index.
    /// @param l2BlockNumber The last L2 block of that batch.
    /// @param outputRoot The finalized output root.
    event OutputFinalized(uint256 indexed batchIndex, uint64 l2BlockNumber, bytes32 outputRoot);

    /// @notice The batch inbox the outputs refer to.
    BatchInbox public immutable inbox;

    /// @notice The only address allowed to deposit bond and propose outputs.
    address public immutable proposer;

    /// @notice Length of each output's challenge window, in seconds.
    uint256 public immutable challengeWindow;

    /// @notice Minimum proposer bond balance (wei) required to propose.
    uint256 public immutable proposerBond;

    /// @notice Exact bond (wei) a challenger must send with `challenge`.
    uint256 public immutable challengerBond;

    /// @notice The proposer's deposited bond, in wei.
    uint256 public proposerBondBalance;

    /// @notice Batch index the next proposed output must have.
    uint256 public nextBatchIndex;

    /// @notice Number of finalized outputs; since outputs finalize in order, these are the outputs
    ///         for batches 0..finalizedCount-1.
    uint256 public finalizedCount;

    /// @dev Outputs by batch index.
    mapping(uint256 batchIndex => Output) private _outputs;

    /// @notice Reverts with `NotProposer` unless the caller is the proposer.
    modifier onlyProposer() {
        if (msg.sender != proposer) revert NotProposer(msg.sender);
        _;
    }

    /// @notice Creates the oracle.
    /// @param inbox_ The `BatchInbox` whose batches outputs are proposed for; must not be zero.
    /// @param proposer_ The proposer; must not be zero.
    /// @param challengeWindow_ Challenge window length in seconds.
    /// @param proposerBond_ Minimum proposer bond balance in wei.
    /// @param challengerBond_ Exact challenger bond in wei.
    constructor(
        address inbox_,
        address proposer_,
        uint256 challengeWindow_,
        uint256 proposerBond_,
        uint256 challengerBond_
    ) {
        if (inbox_ == address(0) || proposer_ == address(0)) revert ZeroAddress();
        inbox = BatchInbox(inbox_);
        proposer = proposer_;
        challengeWindow = challengeWindow_;
        proposerBond = proposerBond_;
        challengerBond = challengerBond_;
    }

    /// @notice Adds `msg.value` wei to the proposer's bond balance.
    /// @dev Reverts `NotProposer` unless called by the proposer. Emits `BondDeposited`.
    function depositBond() external payable onlyProposer {
        uint256 balance = proposerBondBalance + msg.value;
        proposerBondBalance = balance;
        emit BondDeposited(msg.sender, msg.value, balance);
    }

    /// @notice Proposes the output for inbox batch `batchIndex`.
    /// @dev Reverts `NotProposer` unless called by the proposer, `UnexpectedBatchIndex` unless
    ///      `batchIndex == nextBatchIndex()`, `BatchNotPosted` if the inbox has no such batch and
    ///      `InsufficientBond` if `proposerBondBalance() < proposerBond()`. Emits `OutputProposed`.
    /// @param batchIndex The inbox batch the output is for.
    /// @param stateRoot The L2 state root after the batch's last block.
    /// @param outputRoot The output root for the batch's last block.
    function proposeOutput(uint256 batchIndex, bytes32 stateRoot, bytes32 outputRoot) external onlyProposer {
        uint256 expected = nextBatchIndex;
        if (batchIndex != expected) revert UnexpectedBatchIndex(expected, batchIndex);
        if (batchIndex >= inbox.batchCount()) revert BatchNotPosted(batchIndex);
        uint256 balance = proposerBondBalance;
        if (balance < proposerBond) revert InsufficientBond(proposerBond, balance);

        uint64 l2BlockNumber = inbox.getBatch(batchIndex).lastBlock;
        uint64 timestamp = uint64(block.timestamp);
        _outputs[batchIndex] = Output({
            stateRoot: stateRoot,
            outputRoot: outputRoot,
            l2BlockNumber: l2BlockNumber,
            timestamp: timestamp,
            status: Status.Proposed,
            challenger: address(0)
        });
        nextBatchIndex = batchIndex + 1;
        emit OutputProposed(batchIndex, l2BlockNumber, stateRoot, outputRoot, timestamp);
    }

    /// @notice Challenges output `batchIndex`, freezing it; anyone may call.
    /// @dev Reverts `WrongBond` unless `msg.value == challengerBond()`, `OutputNotFound` if it was
    ///      never proposed, `OutputNotChallengeable` if it is not Proposed, and
    ///      `ChallengeWindowClosed` unless `block.timestamp < deadline(batchIndex)`.
    ///      Emits `OutputChallenged`. The bond stays in this contract.
    /// @param batchIndex The output to challenge.
    function challenge(uint256 batchIndex) external payable {
        if (msg.value != challengerBond) revert WrongBond(challengerBond, msg.value);
        Output storage output = _outputs[batchIndex];
        Status status = output.status;
        if (status == Status.None) revert OutputNotFound(batchIndex);
        if (status != Status.Proposed) revert OutputNotChallengeable(batchIndex, status);
        uint256 end = uint256(output.timestamp) + challengeWindow;
        if (block.timestamp >= end) revert ChallengeWindowClosed(batchIndex, end);

        output.status = Status.Challenged;
        output.challenger = msg.sender;
        emit OutputChallenged(batchIndex, msg.sender, msg.value);
    }

    /// @notice Finalizes output `batchIndex` once its window has passed; anyone may call.
    /// @dev Reverts `OutputNotFound` if never proposed, `AlreadyFinalized`, `OutputFrozen` if
    ///      challenged, `ChallengeWindowOpen` while `block.timestamp < deadline(batchIndex)`, and
    ///      `PreviousOutputNotFinalized` unless `batchIndex == finalizedCount()`.
    ///      Emits `OutputFinalized`.
    /// @param batchIndex The output to finalize.
    function finalizeOutput(uint256 batchIndex) external {
        Output storage output = _outputs[batchIndex];
        Status status = output.status;
        if (status == Status.None) revert OutputNotFound(batchIndex);
        if (status == Status.Finalized) revert AlreadyFinalized(batchIndex);
        if (status == Status.Challenged) revert OutputFrozen(batchIndex);
        uint256 end = uint256(output.timestamp) + challengeWindow;
        if (block.timestamp < end) revert ChallengeWindowOpen(batchIndex, end);
        if (batchIndex != finalizedCount) revert PreviousOutputNotFinalized(batchIndex);

        output.status = Status.Finalized;
        finalizedCount = batchIndex + 1;
        emit OutputFinalized(batchIndex, output.l2BlockNumber, output.outputRoot);
    }

    /// @notice Returns output `batchIndex`.
    /// @dev Reverts `OutputNotFound` if it was never proposed.
    /// @param batchIndex The batch index.
    /// @return output The stored output.
    function getOutput(uint256 batchIndex) external view returns (Output memory output) {
        output = _outputs[batchIndex];
        if (output.status == Status.None) revert OutputNotFound(batchIndex);
    }

    /// @notice Whether output `batchIndex` is finalized.
    /// @param batchIndex The batch index.
    /// @return finalized True iff the output exists and is Finalized.
    function isFinalized(uint256 batchIndex) external view returns (bool finalized) {
        return _outputs[batchIndex].status == Status.Finalized;
    }

    /// @notice Batch index of the latest finalized output.
    /// @dev Reverts `NoFinalizedOutput` if none is finalized; see `finalizedCount()`.
    /// @return batchIndex `finalizedCount() - 1`.
    function latestFinalizedBatch() external view returns (uint256 batchIndex) {
        uint256 count = finalizedCount;
        if (count == 0) revert NoFinalizedOutput();
        return count - 1;
    }

    /// @notice End of output `batchIndex`'s challenge window: `timestamp + challengeWindow()`.
    /// @dev Challenges are accepted while `block.timestamp < deadline`; finalization from
    ///      `block.timestamp >= deadline`. Reverts `OutputNotFound` if it was never proposed.
    /// @param batchIndex The batch index.
    /// @return end L1 timestamp in seconds.
    function deadline(uint256 batchIndex) external view returns (uint256 end) {
        Output storage output = _outputs[batchIndex];
        if (output.status == Status.None) revert OutputNotFound(batchIndex);
        return uint256(output.timestamp) + challengeWindow;
    }
}
