// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {BatchInbox} from "./BatchInbox.sol";
import {DisputeGameManager} from "./DisputeGameManager.sol";

/// @title OutputOracle
/// @author parallax
/// @notice Holds the proposer's claimed L2 outputs, one per `BatchInbox` batch, and finalizes them
///         after a challenge window in which anyone may challenge them by posting a bond.
/// @dev A simplified OP Stack L2OutputOracle. Output `i` claims the L2 state after the last block
///      of inbox batch `i`. Lifecycle: None -> Proposed -> Finalized (after the window, in batch
///      order), or Proposed -> Challenged (frozen) -> resolved by the `DisputeGameManager` game
///      that `challenge` opens (interactive bisection after Truebit / Arbitrum classic, chess
///      clocks after the OP Stack FaultDisputeGame; design in docs/dispute-game.md):
///      - challenger wins: outputs `i..nextBatchIndex-1` are deleted (games on the later ones are
///        cancelled and their challengers refunded), `nextBatchIndex = i`, the proposer's bond is
///        slashed by `min(proposerBond, proposerBondBalance)` wei (`slashRewardPercent`% to the
///        challenger, the rest to the treasury) and the challenger's bond is refunded;
///      - defender wins: the challenger's bond goes to the proposer and the output is Proposed
///        again (finalizable once its deadline has passed, challengeable while it is open).
///      All ether owed is credited and pulled with `withdraw` (checks-effects-interactions plus
///      OpenZeppelin `ReentrancyGuard`). Ether accounting: this contract's balance is
///      `proposerBondBalance + sum(credits) + challengerBond * (number of Challenged outputs)`.
contract OutputOracle is ReentrancyGuard {
    /// @notice Lifecycle of an output.
    /// @dev None: never proposed (or deleted after a lost game). Proposed: in or past its
    ///      challenge window, not under challenge.
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

    /// @notice A constructor or `initialize` address argument is the zero address.
    error ZeroAddress();

    /// @notice `slashRewardPercent` above 100.
    /// @param percent The value that was passed.
    error InvalidSlashRewardPercent(uint256 percent);

    /// @notice `initialize` not called by the deployer.
    /// @param caller The rejected `msg.sender`.
    error NotDeployer(address caller);

    /// @notice `initialize` was already called.
    error AlreadyInitialized();

    /// @notice The manager passed to `initialize` points at another oracle.
    /// @param managerOracle The manager's `oracle()`.
    error ManagerOracleMismatch(address managerOracle);

    /// @notice `challenge` before `initialize` set the dispute game manager.
    error NotInitialized();

    /// @notice Only the dispute game manager may call this function.
    /// @param caller The rejected `msg.sender`.
    error OnlyManager(address caller);

    /// @notice `resolveChallenge` on an output that is not Challenged.
    /// @param batchIndex The batch index that was passed.
    error OutputNotChallenged(uint256 batchIndex);

    /// @notice `withdraw` with no credit.
    /// @param account The caller.
    error NothingToWithdraw(address account);

    /// @notice The ether transfer of `withdraw` failed (the credit is kept).
    /// @param account The recipient.
    /// @param amount The amount in wei.
    error TransferFailed(address account, uint256 amount);

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

    /// @notice An output was challenged and is now frozen; a dispute game was opened on it.
    /// @param batchIndex The challenged output's batch index.
    /// @param challenger The challenger.
    /// @param bond The bond posted, in wei.
    /// @param gameId The `DisputeGameManager` game id.
    event OutputChallenged(uint256 indexed batchIndex, address indexed challenger, uint256 bond, uint256 gameId);

    /// @notice The dispute game manager was set.
    /// @param disputeGameManager The manager.
    event Initialized(address disputeGameManager);

    /// @notice A challenger won: outputs `fromBatchIndex..toBatchIndex` (inclusive) were deleted
    ///         and `nextBatchIndex()` is now `fromBatchIndex`.
    /// @param fromBatchIndex The lost output's batch index.
    /// @param toBatchIndex The last deleted batch index (the old `nextBatchIndex() - 1`).
    event OutputsDeleted(uint256 indexed fromBatchIndex, uint256 toBatchIndex);

    /// @notice The proposer's bond was slashed after a lost game.
    /// @param amount Wei taken from `proposerBondBalance()`: `min(proposerBond(), balance)`.
    /// @param toChallenger Wei credited to the winning challenger: `amount * slashRewardPercent() / 100`.
    /// @param toTreasury Wei credited to `treasury()`: `amount - toChallenger`.
    event ProposerSlashed(uint256 amount, uint256 toChallenger, uint256 toTreasury);

    /// @notice The defender won: the output is Proposed again and the challenger's bond was
    ///         credited to the proposer.
    /// @param batchIndex The output's batch index.
    event ChallengeRejected(uint256 indexed batchIndex);

    /// @notice `account` withdrew its credit.
    /// @param account The recipient.
    /// @param amount Wei sent.
    event Withdrawn(address indexed account, uint256 amount);

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

    /// @notice Output root of L2 block 0: the agreed starting point of games on batch 0.
    bytes32 public immutable genesisOutputRoot;

    /// @notice Receives the part of a slashed proposer bond that does not go to the challenger.
    address public immutable treasury;

    /// @notice The challenger's share of a slashed proposer bond, in percent (0..100).
    uint256 public immutable slashRewardPercent;

    /// @notice The deployer, the only address allowed to call `initialize`.
    address public immutable deployer;

    /// @notice The dispute game manager (zero until `initialize`).
    DisputeGameManager public disputeGameManager;

    /// @notice The proposer's deposited bond, in wei.
    uint256 public proposerBondBalance;

    /// @notice Wei each account may `withdraw` (refunded and won bonds, slash shares).
    mapping(address account => uint256) public credits;

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
    /// @param genesisOutputRoot_ Output root of L2 block 0.
    /// @param treasury_ Receiver of the non-challenger part of slashed bonds; must not be zero.
    /// @param slashRewardPercent_ Challenger's share of a slashed bond, 0..100 (devnet 50).
    /// @dev Reverts `ZeroAddress` and `InvalidSlashRewardPercent`. The deployer must then call
    ///      `initialize` with the `DisputeGameManager`.
    constructor(
        address inbox_,
        address proposer_,
        uint256 challengeWindow_,
        uint256 proposerBond_,
        uint256 challengerBond_,
        bytes32 genesisOutputRoot_,
        address treasury_,
        uint256 slashRewardPercent_
    ) {
        if (inbox_ == address(0) || proposer_ == address(0) || treasury_ == address(0)) revert ZeroAddress();
        if (slashRewardPercent_ > 100) revert InvalidSlashRewardPercent(slashRewardPercent_);
        inbox = BatchInbox(inbox_);
        proposer = proposer_;
        challengeWindow = challengeWindow_;
        proposerBond = proposerBond_;
        challengerBond = challengerBond_;
        genesisOutputRoot = genesisOutputRoot_;
        treasury = treasury_;
        slashRewardPercent = slashRewardPercent_;
        deployer = msg.sender;
    }

    /// @notice Sets the dispute game manager; once, by the deployer.
    /// @dev Reverts `NotDeployer`, `AlreadyInitialized`, `ZeroAddress`, and
    ///      `ManagerOracleMismatch` unless `manager.oracle()` is this contract. Emits `Initialized`.
    /// @param manager The `DisputeGameManager` built for this oracle.
    function initialize(address manager) external {
        if (msg.sender != deployer) revert NotDeployer(msg.sender);
        if (address(disputeGameManager) != address(0)) revert AlreadyInitialized();
        if (manager == address(0)) revert ZeroAddress();
        address managerOracle = address(DisputeGameManager(manager).oracle());
        if (managerOracle != address(this)) revert ManagerOracleMismatch(managerOracle);
        disputeGameManager = DisputeGameManager(manager);
        emit Initialized(manager);
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

    /// @notice Challenges output `batchIndex`, freezing it and opening a dispute game; anyone may
    ///         call, with exactly `challengerBond()` wei.
    /// @dev Reverts `NotInitialized` before `initialize`, `WrongBond` unless
    ///      `msg.value == challengerBond()`, `OutputNotFound` if it was never proposed,
    ///      `OutputNotChallengeable` if it is not Proposed, and `ChallengeWindowClosed` unless
    ///      `block.timestamp < deadline(batchIndex)`. The game: challenger `msg.sender`, defender
    ///      the proposer, `lo`/`loRoot` the previous output's block and root (0 and
    ///      `genesisOutputRoot()` for batch 0), `hi`/`hiRoot` this output's, and the inbox batch's
    ///      data hash. Emits `OutputChallenged`. The bond stays here until the game resolves.
    /// @param batchIndex The output to challenge.
    /// @return gameId The opened game's id in `disputeGameManager()`.
    function challenge(uint256 batchIndex) external payable returns (uint256 gameId) {
        DisputeGameManager manager = disputeGameManager;
        if (address(manager) == address(0)) revert NotInitialized();
        if (msg.value != challengerBond) revert WrongBond(challengerBond, msg.value);
        Output storage output = _outputs[batchIndex];
        Status status = output.status;
        if (status == Status.None) revert OutputNotFound(batchIndex);
        if (status != Status.Proposed) revert OutputNotChallengeable(batchIndex, status);
        uint256 end = uint256(output.timestamp) + challengeWindow;
        if (block.timestamp >= end) revert ChallengeWindowClosed(batchIndex, end);

        output.status = Status.Challenged;
        output.challenger = msg.sender;

        gameId = _openGame(manager, batchIndex, output.l2BlockNumber, output.outputRoot);
        emit OutputChallenged(batchIndex, msg.sender, msg.value, gameId);
    }

    /// @notice Applies the result of the game on output `batchIndex`; only the dispute game manager.
    /// @dev Reverts `OnlyManager` and `OutputNotChallenged`.
    ///      `challengerWon`: deletes outputs `batchIndex..nextBatchIndex()-1` (a later Challenged
    ///      one has its game cancelled and its challenger's bond credited back), sets
    ///      `nextBatchIndex() = batchIndex`, slashes `min(proposerBond(), proposerBondBalance())`
    ///      wei (`slashRewardPercent()`% credited to the challenger, the rest to `treasury()`)
    ///      and credits the challenger's bond back. Emits `OutputsDeleted` and `ProposerSlashed`.
    ///      Otherwise: the output is Proposed again (challenger cleared) and the challenger's bond
    ///      is credited to the proposer. Emits `ChallengeRejected`.
    /// @param batchIndex The disputed output.
    /// @param challengerWon Whether the challenger won.
    function resolveChallenge(uint256 batchIndex, bool challengerWon) external {
        DisputeGameManager manager = disputeGameManager;
        if (msg.sender != address(manager)) revert OnlyManager(msg.sender);
        Output storage output = _outputs[batchIndex];
        if (output.status != Status.Challenged) revert OutputNotChallenged(batchIndex);
        uint256 bond = challengerBond;

        if (!challengerWon) {
            output.status = Status.Proposed;
            output.challenger = address(0);
            credits[proposer] += bond;
            emit ChallengeRejected(batchIndex);
            return;
        }

        address winner = output.challenger;
        uint256 end = nextBatchIndex;
        for (uint256 j = batchIndex + 1; j < end; ++j) {
            Output storage later = _outputs[j];
            if (later.status == Status.Challenged) {
                credits[later.challenger] += bond;
                manager.cancel(manager.gameOf(j) - 1);
            }
            delete _outputs[j];
        }
        delete _outputs[batchIndex];
        nextBatchIndex = batchIndex;
        emit OutputsDeleted(batchIndex, end - 1);

        uint256 balance = proposerBondBalance;
        uint256 amount = balance < proposerBond ? balance : proposerBond;
        uint256 toChallenger = amount * slashRewardPercent / 100;
        uint256 toTreasury = amount - toChallenger;
        proposerBondBalance = balance - amount;
        credits[winner] += bond + toChallenger;
        credits[treasury] += toTreasury;
        emit ProposerSlashed(amount, toChallenger, toTreasury);
    }

    /// @notice Sends the caller its whole credit; anyone may call.
    /// @dev Pull payment: zeroes the credit before the transfer (checks-effects-interactions) and
    ///      is `nonReentrant`. Reverts `NothingToWithdraw` without credit and `TransferFailed`
    ///      (credit kept) when the recipient rejects the ether. Emits `Withdrawn`.
    function withdraw() external nonReentrant {
        uint256 amount = credits[msg.sender];
        if (amount == 0) revert NothingToWithdraw(msg.sender);
        credits[msg.sender] = 0;
        emit Withdrawn(msg.sender, amount);
        (bool ok,) = payable(msg.sender).call{value: amount}("");
        if (!ok) revert TransferFailed(msg.sender, amount);
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

    /// @dev Opens the game on output `batchIndex` (block `hi`, root `hiRoot`) for `msg.sender`
    ///      against the proposer, from the previous output (or genesis for batch 0).
    function _openGame(DisputeGameManager manager, uint256 batchIndex, uint64 hi, bytes32 hiRoot)
        private
        returns (uint256 gameId)
    {
        uint64 lo = 0;
        bytes32 loRoot = genesisOutputRoot;
        if (batchIndex > 0) {
            Output storage previous = _outputs[batchIndex - 1];
            lo = previous.l2BlockNumber;
            loRoot = previous.outputRoot;
        }
        bytes32 dataHash = inbox.getBatch(batchIndex).dataHash;
        return manager.createGame(batchIndex, msg.sender, proposer, lo, loRoot, hi, hiRoot, dataHash);
    }
}
