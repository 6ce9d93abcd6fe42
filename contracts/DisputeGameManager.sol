// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {BatchInbox} from "./BatchInbox.sol";
import {IStepVerifier} from "./IStepVerifier.sol";
import {OutputOracle} from "./OutputOracle.sol";

/// @title DisputeGameManager
/// @author parallax
/// @notice Plays the interactive fraud-proof game that resolves a challenged `OutputOracle`
///         output: a bisection over L2 blocks down to one block, then a one-step check by an
///         `IStepVerifier`, with a chess clock per side. Design: docs/dispute-game.md.
/// @dev Follows Truebit's / Arbitrum-classic's interactive bisection ("Truebit: a scalable
///      verification solution for blockchains", 2017; Kalodner et al., "Arbitrum", USENIX Security
///      2018), specialised to a binary search over L2 block numbers between two output roots, and
///      the chess clocks of the OP Stack `FaultDisputeGame` (each side has its own time budget,
///      charged only while it is that side's move; a side whose budget is spent loses).
///
///      A game disputes the output of inbox batch `batchIndex`. Both sides agree on `loRoot`, the
///      output root at L2 block `lo` (the previous output, or the genesis output root), and
///      disagree on `hiRoot` at block `hi` (the proposer's claim, defended by the proposer).
///
///      ```
///      lo ----------------- mid ----------------- hi      defender reveals midRoot
///      agree:     lo = mid, loRoot = midRoot               (fault is above mid)
///      disagree:  hi = mid, hiRoot = midRoot               (fault is at or below mid)
///      ... until hi - lo == 1, then step(postRoot, proof) judges block hi alone.
///      ```
///
///      At most `ceil(log2(hi - lo))` reveal/respond rounds (exactly that many for a power of two),
///      then one `step`. Each side's clock starts at `clockSeconds()`; every move charges the
///      mover's clock with `block.timestamp - lastMoveAt`. A move is accepted while
///      `block.timestamp - lastMoveAt <= clock` (else `ClockExpired`); `timeout` from the next
///      second on makes the other side win. Resolution calls `OutputOracle.resolveChallenge`,
///      which moves bonds and deletes outputs; this contract holds no ether.
///      Check order of every move: game exists, in progress, role, stage, clock, proof.
contract DisputeGameManager {
    /// @notice Lifecycle of a game.
    /// @dev None: no such game. InProgress: being played. ChallengerWins / DefenderWins: resolved.
    ///      Cancelled: the oracle deleted the output underneath (an earlier output lost its game).
    enum GameStatus {
        None,
        InProgress,
        ChallengerWins,
        DefenderWins,
        Cancelled
    }

    /// @notice Whose move it is. The defender reveals midpoints; the challenger responds, and at
    ///         the step stage (`hi - lo == 1`) the challenger's clock runs until someone steps.
    enum Turn {
        Defender,
        Challenger
    }

    /// @notice One dispute game.
    /// @dev `lo < hi` are L2 block numbers with agreed `loRoot` and disputed `hiRoot`;
    ///      `midRoot` is meaningful only while `midRevealed` (it is zeroed by `respond`).
    ///      `defenderClock` / `challengerClock` are the seconds each side has left, as of
    ///      `lastMoveAt` (L1 timestamp, seconds).
    struct Game {
        uint256 batchIndex;
        address challenger;
        address defender;
        uint64 lo;
        uint64 hi;
        bytes32 loRoot;
        bytes32 hiRoot;
        bytes32 batchDataHash;
        bytes32 midRoot;
        bool midRevealed;
        Turn turn;
        uint64 defenderClock;
        uint64 challengerClock;
        uint64 lastMoveAt;
        GameStatus status;
    }

    /// @notice A constructor address argument is the zero address.
    error ZeroAddress();

    /// @notice The constructor's `clockSeconds` is zero.
    error ZeroClock();

    /// @notice Only the `OutputOracle` may call this function.
    /// @param caller The rejected `msg.sender`.
    error OnlyOracle(address caller);

    /// @notice `createGame` with `hi <= lo`.
    /// @param lo The agreed block that was passed.
    /// @param hi The disputed block that was passed.
    error InvalidRange(uint64 lo, uint64 hi);

    /// @notice No game has this id.
    /// @param gameId The id that was passed.
    error GameNotFound(uint256 gameId);

    /// @notice The game is already resolved or cancelled.
    /// @param gameId The game.
    /// @param status Its current status.
    error GameNotInProgress(uint256 gameId, GameStatus status);

    /// @notice Only the game's defender (the proposer) may reveal.
    /// @param caller The rejected `msg.sender`.
    error NotDefender(address caller);

    /// @notice Only the game's challenger may respond.
    /// @param caller The rejected `msg.sender`.
    error NotChallenger(address caller);

    /// @notice The bisection is over (`hi - lo == 1`): only `step` or `timeout` remain.
    /// @param lo The game's current `lo`.
    /// @param hi The game's current `hi`.
    error BisectionOver(uint64 lo, uint64 hi);

    /// @notice `reveal` while a revealed midpoint awaits the challenger's response (the
    ///         challenger's turn).
    /// @param gameId The game.
    error AlreadyRevealed(uint256 gameId);

    /// @notice `respond` before the defender revealed the midpoint (the defender's turn).
    /// @param gameId The game.
    error NotRevealed(uint256 gameId);

    /// @notice `step` before the bisection reached a single block.
    /// @param lo The game's current `lo`.
    /// @param hi The game's current `hi`.
    error NotAtStep(uint64 lo, uint64 hi);

    /// @notice The verifier rejected the step proof (or reverted on it).
    error InvalidStepProof();

    /// @notice The side to move has spent its clock; only `timeout` remains.
    /// @param turn The side whose clock is spent.
    /// @param elapsed Seconds since the last move.
    /// @param clock Seconds that side had left at the last move.
    error ClockExpired(Turn turn, uint256 elapsed, uint64 clock);

    /// @notice `timeout` while the side to move still has time.
    /// @param timeLeft Seconds left to the side to move (0: this second is its last).
    error ClockNotExpired(uint256 timeLeft);

    /// @notice A game was opened by the oracle's `challenge`.
    /// @param gameId The new game (ids are 0, 1, 2, ...).
    /// @param batchIndex The challenged output's batch index.
    /// @param challenger The challenger (responds).
    /// @param defender The proposer (reveals).
    /// @param lo Agreed L2 block.
    /// @param hi Disputed L2 block (the output's block).
    /// @param loRoot Agreed output root at `lo`.
    /// @param hiRoot Disputed output root at `hi`.
    event GameCreated(
        uint256 indexed gameId,
        uint256 indexed batchIndex,
        address challenger,
        address defender,
        uint64 lo,
        uint64 hi,
        bytes32 loRoot,
        bytes32 hiRoot
    );

    /// @notice The defender revealed its output root at the midpoint.
    /// @param gameId The game.
    /// @param mid `lo + (hi - lo) / 2`.
    /// @param midRoot The defender's output root at `mid`.
    event MidpointRevealed(uint256 indexed gameId, uint64 mid, bytes32 midRoot);

    /// @notice The challenger responded to a reveal.
    /// @param gameId The game.
    /// @param agree Whether the challenger agreed with `midRoot`.
    /// @param lo The new `lo`.
    /// @param hi The new `hi`.
    event Responded(uint256 indexed gameId, bool agree, uint64 lo, uint64 hi);

    /// @notice A step proof was accepted.
    /// @param gameId The game.
    /// @param postRoot The output root of block `hi` the proof establishes.
    event StepVerified(uint256 indexed gameId, bytes32 postRoot);

    /// @notice The game ended.
    /// @param gameId The game.
    /// @param status ChallengerWins, DefenderWins or Cancelled.
    event GameResolved(uint256 indexed gameId, GameStatus status);

    /// @notice The output oracle that opens games and applies their results.
    OutputOracle public immutable oracle;

    /// @notice The batch inbox the disputed outputs refer to.
    BatchInbox public immutable inbox;

    /// @notice The one-step verifier used by `step`.
    IStepVerifier public immutable verifier;

    /// @notice Each side's initial time budget, in seconds.
    uint64 public immutable clockSeconds;

    /// @dev All games, by id.
    Game[] private _games;

    /// @notice Latest game id + 1 for the output of `batchIndex`; 0 when none was opened.
    mapping(uint256 batchIndex => uint256) public gameOf;

    /// @notice Creates the manager.
    /// @dev Reverts `ZeroAddress` for a zero address and `ZeroClock` for a zero clock. The oracle
    ///      must then be pointed at this contract with `OutputOracle.initialize`.
    /// @param oracle_ The `OutputOracle` (only it may `createGame` and `cancel`).
    /// @param inbox_ The `BatchInbox`.
    /// @param verifier_ The one-step verifier.
    /// @param clockSeconds_ Each side's time budget, in seconds.
    constructor(address oracle_, address inbox_, IStepVerifier verifier_, uint64 clockSeconds_) {
        if (oracle_ == address(0) || inbox_ == address(0) || address(verifier_) == address(0)) revert ZeroAddress();
        if (clockSeconds_ == 0) revert ZeroClock();
        oracle = OutputOracle(oracle_);
        inbox = BatchInbox(inbox_);
        verifier = verifier_;
        clockSeconds = clockSeconds_;
    }

    /// @notice Reverts `OnlyOracle` unless the caller is the oracle.
    modifier onlyOracle() {
        if (msg.sender != address(oracle)) revert OnlyOracle(msg.sender);
        _;
    }

    /// @notice Opens a game on the output of `batchIndex`; only the oracle (from `challenge`).
    /// @dev Reverts `OnlyOracle` and `InvalidRange` (`hi <= lo`). The first move is the
    ///      defender's (a reveal) when `hi - lo > 1`, else the challenger's (straight to the
    ///      step). Both clocks start at `clockSeconds()`, `lastMoveAt` at now. Emits `GameCreated`.
    /// @param batchIndex The challenged output.
    /// @param challenger The challenger.
    /// @param defender The proposer.
    /// @param lo The previous output's L2 block (0 for batch 0).
    /// @param loRoot The previous output's root (the genesis output root for batch 0).
    /// @param hi The challenged output's L2 block.
    /// @param hiRoot The challenged output root.
    /// @param batchDataHash The inbox batch's data hash (all blocks `lo+1..hi` are in it).
    /// @return gameId The new game's id.
    function createGame(
        uint256 batchIndex,
        address challenger,
        address defender,
        uint64 lo,
        bytes32 loRoot,
        uint64 hi,
        bytes32 hiRoot,
        bytes32 batchDataHash
    ) external onlyOracle returns (uint256 gameId) {
        if (hi <= lo) revert InvalidRange(lo, hi);
        gameId = _games.length;
        uint64 clock = clockSeconds;
        _games.push(
            Game({
                batchIndex: batchIndex,
                challenger: challenger,
                defender: defender,
                lo: lo,
                hi: hi,
                loRoot: loRoot,
                hiRoot: hiRoot,
                batchDataHash: batchDataHash,
                midRoot: bytes32(0),
                midRevealed: false,
                turn: hi - lo > 1 ? Turn.Defender : Turn.Challenger,
                defenderClock: clock,
                challengerClock: clock,
                lastMoveAt: uint64(block.timestamp),
                status: GameStatus.InProgress
            })
        );
        gameOf[batchIndex] = gameId + 1;
        emit GameCreated(gameId, batchIndex, challenger, defender, lo, hi, loRoot, hiRoot);
    }

    /// @notice The defender reveals its output root at `mid(gameId)`.
    /// @dev Only the game's defender, while `hi - lo > 1` and no reveal is pending. Reverts
    ///      `GameNotFound`, `GameNotInProgress`, `NotDefender`, `BisectionOver`,
    ///      `AlreadyRevealed` (the challenger's turn) and `ClockExpired`. Charges the defender's
    ///      clock; the turn passes to the challenger. Emits `MidpointRevealed`.
    /// @param gameId The game.
    /// @param midRoot The defender's output root at L2 block `mid(gameId)`.
    function reveal(uint256 gameId, bytes32 midRoot) external {
        Game storage g = _inProgress(gameId);
        if (msg.sender != g.defender) revert NotDefender(msg.sender);
        uint64 lo = g.lo;
        uint64 hi = g.hi;
        if (hi - lo <= 1) revert BisectionOver(lo, hi);
        if (g.midRevealed) revert AlreadyRevealed(gameId);
        _charge(g);
        g.midRoot = midRoot;
        g.midRevealed = true;
        g.turn = Turn.Challenger;
        emit MidpointRevealed(gameId, lo + (hi - lo) / 2, midRoot);
    }

    /// @notice The challenger agrees or disagrees with the revealed midpoint root.
    /// @dev Only the game's challenger, after a reveal. agree: `lo = mid, loRoot = midRoot`;
    ///      disagree: `hi = mid, hiRoot = midRoot`. Clears the reveal (`midRevealed = false`,
    ///      `midRoot = 0`). The turn passes to the defender if `hi - lo > 1`, else stays with the
    ///      challenger (step stage). Reverts `GameNotFound`, `GameNotInProgress`,
    ///      `NotChallenger`, `BisectionOver`, `NotRevealed` (the defender's turn) and
    ///      `ClockExpired`. Charges the challenger's clock. Emits `Responded`.
    /// @param gameId The game.
    /// @param agree True iff the challenger's own output root at `mid` equals `midRoot`.
    function respond(uint256 gameId, bool agree) external {
        Game storage g = _inProgress(gameId);
        if (msg.sender != g.challenger) revert NotChallenger(msg.sender);
        uint64 lo = g.lo;
        uint64 hi = g.hi;
        if (hi - lo <= 1) revert BisectionOver(lo, hi);
        if (!g.midRevealed) revert NotRevealed(gameId);
        _charge(g);
        uint64 m = lo + (hi - lo) / 2;
        if (agree) {
            lo = m;
            g.lo = m;
            g.loRoot = g.midRoot;
        } else {
            hi = m;
            g.hi = m;
            g.hiRoot = g.midRoot;
        }
        g.midRoot = bytes32(0);
        g.midRevealed = false;
        g.turn = hi - lo > 1 ? Turn.Defender : Turn.Challenger;
        emit Responded(gameId, agree, lo, hi);
    }

    /// @notice Ends the game with a one-step proof of block `hi` from `loRoot`; anyone may call.
    /// @dev Needs `hi - lo == 1`. Counts as the move of the side to move (the challenger at this
    ///      stage): reverts `ClockExpired` once that clock is spent (then only `timeout` resolves
    ///      the game). `verifier().verifyStep(loRoot, batchDataHash, hi, postRoot, proof)` must
    ///      return true, else `InvalidStepProof` (also when the verifier reverts).
    ///      `postRoot == hiRoot`: DefenderWins; otherwise ChallengerWins. Reverts `GameNotFound`,
    ///      `GameNotInProgress`, `NotAtStep`, `ClockExpired`, `InvalidStepProof`. Emits
    ///      `StepVerified` and `GameResolved`, then calls `OutputOracle.resolveChallenge`.
    /// @param gameId The game.
    /// @param postRoot The output root of block `hi` the proof establishes.
    /// @param proof Verifier-specific proof (for `AttestationVerifier`: `abi.encode(bytes[])`).
    function step(uint256 gameId, bytes32 postRoot, bytes calldata proof) external {
        Game storage g = _inProgress(gameId);
        uint64 lo = g.lo;
        uint64 hi = g.hi;
        if (hi - lo != 1) revert NotAtStep(lo, hi);
        _charge(g);
        bool valid;
        try verifier.verifyStep(g.loRoot, g.batchDataHash, hi, postRoot, proof) returns (bool ok) {
            valid = ok;
        } catch {
            valid = false;
        }
        if (!valid) revert InvalidStepProof();
        emit StepVerified(gameId, postRoot);
        _resolve(gameId, g, postRoot == g.hiRoot ? GameStatus.DefenderWins : GameStatus.ChallengerWins);
    }

    /// @notice Ends the game when the side to move has spent its clock; anyone may call.
    /// @dev The side to move loses once `block.timestamp - lastMoveAt > its clock`: the defender's
    ///      timeout makes the challenger win and vice versa. Reverts `GameNotFound`,
    ///      `GameNotInProgress` and `ClockNotExpired`. Emits `GameResolved`, then calls
    ///      `OutputOracle.resolveChallenge`.
    /// @param gameId The game.
    function timeout(uint256 gameId) external {
        Game storage g = _inProgress(gameId);
        uint256 elapsed = block.timestamp - g.lastMoveAt;
        Turn turn = g.turn;
        uint64 clock = turn == Turn.Defender ? g.defenderClock : g.challengerClock;
        if (elapsed <= clock) revert ClockNotExpired(clock - elapsed);
        if (turn == Turn.Defender) g.defenderClock = 0;
        else g.challengerClock = 0;
        g.lastMoveAt = uint64(block.timestamp);
        _resolve(gameId, g, turn == Turn.Defender ? GameStatus.ChallengerWins : GameStatus.DefenderWins);
    }

    /// @notice Cancels a game whose output the oracle deleted; only the oracle.
    /// @dev Called from `OutputOracle.resolveChallenge` when an earlier output lost its game; the
    ///      oracle refunds this game's challenger. Reverts `OnlyOracle`, `GameNotFound`,
    ///      `GameNotInProgress`. Emits `GameResolved(gameId, Cancelled)`; does not call back.
    /// @param gameId The game.
    function cancel(uint256 gameId) external onlyOracle {
        Game storage g = _inProgress(gameId);
        g.status = GameStatus.Cancelled;
        emit GameResolved(gameId, GameStatus.Cancelled);
    }

    /// @notice Returns game `gameId`.
    /// @dev Reverts `GameNotFound` if `gameId >= gameCount()`.
    /// @param gameId The game.
    /// @return game The stored game.
    function getGame(uint256 gameId) external view returns (Game memory game) {
        if (gameId >= _games.length) revert GameNotFound(gameId);
        return _games[gameId];
    }

    /// @notice Number of games ever opened; ids are `0..gameCount()-1`.
    /// @return count The number of games.
    function gameCount() external view returns (uint256 count) {
        return _games.length;
    }

    /// @notice The block the next reveal is about: `lo + (hi - lo) / 2`.
    /// @dev Reverts `GameNotFound`. Meaningful while `hi - lo > 1`.
    /// @param gameId The game.
    /// @return m The midpoint L2 block number.
    function mid(uint256 gameId) external view returns (uint64 m) {
        if (gameId >= _games.length) revert GameNotFound(gameId);
        Game storage g = _games[gameId];
        return g.lo + (g.hi - g.lo) / 2;
    }

    /// @notice Seconds the side to move has left at the current block timestamp.
    /// @dev 0 for a game not in progress, and when the clock is spent; a move is still accepted
    ///      in the second where it reaches 0, `timeout` from the next one. Reverts `GameNotFound`.
    /// @param gameId The game.
    /// @return secondsLeft `clock - (block.timestamp - lastMoveAt)`, floored at 0.
    function timeLeft(uint256 gameId) external view returns (uint256 secondsLeft) {
        if (gameId >= _games.length) revert GameNotFound(gameId);
        Game storage g = _games[gameId];
        if (g.status != GameStatus.InProgress) return 0;
        uint256 elapsed = block.timestamp - g.lastMoveAt;
        uint256 clock = g.turn == Turn.Defender ? g.defenderClock : g.challengerClock;
        return elapsed >= clock ? 0 : clock - elapsed;
    }

    /// @dev The game `gameId`, reverting `GameNotFound` / `GameNotInProgress`.
    function _inProgress(uint256 gameId) private view returns (Game storage g) {
        if (gameId >= _games.length) revert GameNotFound(gameId);
        g = _games[gameId];
        GameStatus status = g.status;
        if (status != GameStatus.InProgress) revert GameNotInProgress(gameId, status);
    }

    /// @dev Charges the side to move with the seconds since the last move (`ClockExpired` when
    ///      they exceed its clock) and sets `lastMoveAt` to now.
    function _charge(Game storage g) private {
        uint256 elapsed = block.timestamp - g.lastMoveAt;
        Turn turn = g.turn;
        uint64 clock = turn == Turn.Defender ? g.defenderClock : g.challengerClock;
        if (elapsed > clock) revert ClockExpired(turn, elapsed, clock);
        uint64 left = clock - uint64(elapsed);
        if (turn == Turn.Defender) g.defenderClock = left;
        else g.challengerClock = left;
        g.lastMoveAt = uint64(block.timestamp);
    }

    /// @dev Records the result, then lets the oracle apply it (checks-effects-interactions: the
    ///      game is closed before the call).
    function _resolve(uint256 gameId, Game storage g, GameStatus result) private {
        g.status = result;
        emit GameResolved(gameId, result);
        oracle.resolveChallenge(g.batchIndex, result == GameStatus.ChallengerWins);
    }
}
