/**
 * The challenger's own tables, in the same SQLite file as its state trie and derived chain
 * (`DATA_DIR/challenger.sqlite`; the derivation tables are `challenger/derivation/chain.ts`'s):
 *
 * - `challenger_batches(...)`: one row per inbox batch: the derived output, the proposer's
 *   posted output, the verdict and the challenge tx;
 * - `challenger_games(...)`: the dispute games this challenger opened, as last seen on L1;
 * - `challenger_moves(...)`: every L1 tx it sent in a game (challenge, respond, step, timeout,
 *   withdraw) with its hash and gas used.
 *
 * A batch's verdict row is written in the same transaction as its derived blocks.
 */
import type Database from 'better-sqlite3';
import type { Hex } from 'viem';

/** The challenger's judgement of one batch's output. */
export type Verdict = 'pending' | 'agree' | 'disagree';

/** One inbox batch as the challenger saw it. */
export interface BatchRecord {
  batchIndex: bigint;
  firstBlock: bigint;
  lastBlock: bigint;
  /** L1 block and tx of the `appendBatch` call. */
  l1Block: bigint;
  l1TxHash: Hex;
  /** Whether the batch data was valid (false: rule D1 made it empty blocks). */
  valid: boolean;
  /** Why not, when invalid (derivation reason). */
  invalidReason: string | null;
  /** State root and v0 output root after `lastBlock` as derived here (null only in old rows). */
  computedStateRoot: Hex | null;
  computedOutputRoot: Hex | null;
  verdict: Verdict;
  /** What the proposer posted to `OutputOracle` (null until proposed). */
  postedStateRoot: Hex | null;
  postedOutputRoot: Hex | null;
  /** L1 tx of the `challenge` call that froze this output, when there is one. */
  challengeTx: Hex | null;
  /** Free-form remark (e.g. "challenged by 0x..", "window closed"). */
  note: string | null;
}

interface BatchRow {
  batch_index: number;
  first_block: string;
  last_block: string;
  l1_block: string;
  l1_tx: string;
  valid: number;
  invalid_reason: string | null;
  computed_state_root: string | null;
  computed_output_root: string | null;
  verdict: string;
  posted_state_root: string | null;
  posted_output_root: string | null;
  challenge_tx: string | null;
  note: string | null;
}

function fromRow(r: BatchRow): BatchRecord {
  return {
    batchIndex: BigInt(r.batch_index),
    firstBlock: BigInt(r.first_block),
    lastBlock: BigInt(r.last_block),
    l1Block: BigInt(r.l1_block),
    l1TxHash: r.l1_tx as Hex,
    valid: r.valid === 1,
    invalidReason: r.invalid_reason,
    computedStateRoot: r.computed_state_root as Hex | null,
    computedOutputRoot: r.computed_output_root as Hex | null,
    verdict: r.verdict as Verdict,
    postedStateRoot: r.posted_state_root as Hex | null,
    postedOutputRoot: r.posted_output_root as Hex | null,
    challengeTx: r.challenge_tx as Hex | null,
    note: r.note,
  };
}

/** `DisputeGameManager.GameStatus` names, by the ABI's uint8 value. */
export const GAME_STATUS = ['None', 'InProgress', 'ChallengerWins', 'DefenderWins', 'Cancelled'] as const;
export type GameStatusName = (typeof GAME_STATUS)[number];

/** `DisputeGameManager.Turn` names, by the ABI's uint8 value. */
export const TURN = ['Defender', 'Challenger'] as const;
export type TurnName = (typeof TURN)[number];

/** A dispute game this challenger opened, as last seen on L1. */
export interface GameRecord {
  gameId: bigint;
  batchIndex: bigint;
  status: GameStatusName;
  /** The disputed interval: both sides agree on `loRoot` at `lo`, disagree at `hi`. */
  lo: bigint;
  hi: bigint;
  loRoot: Hex;
  hiRoot: Hex;
  turn: TurnName;
  /** Opened by the drill `FAULT_FALSE_CHALLENGE_BATCH` (disagrees with every reveal, never steps). */
  falseChallenge: boolean;
  /** True once the credits after its resolution were withdrawn (or there were none). */
  settled: boolean;
  /** Last remark (e.g. why it cannot step). */
  note: string | null;
}

/** Kinds of L1 txs the challenger sends in a game. */
export type MoveKind = 'challenge' | 'respond' | 'step' | 'timeout' | 'withdraw';

/** One L1 tx the challenger sent in a game. */
export interface MoveRecord {
  gameId: bigint;
  /** 0, 1, ... per game, in sending order. */
  seq: number;
  move: MoveKind;
  l1TxHash: Hex;
  l1Block: bigint;
  gasUsed: bigint;
  /** ISO time it landed. */
  at: string;
  /** Move arguments/results: `agree`, `mid`, `midRoot`, `postRoot`, `amountWei`, ... */
  details: Record<string, string | boolean>;
}

interface GameRow {
  game_id: number;
  batch_index: number;
  status: string;
  lo: string;
  hi: string;
  lo_root: string;
  hi_root: string;
  turn: string;
  false_challenge: number;
  settled: number;
  note: string | null;
}

interface MoveRow {
  game_id: number;
  seq: number;
  move: string;
  l1_tx: string;
  l1_block: string;
  gas_used: string;
  at: string;
  details: string;
}

function gameFromRow(r: GameRow): GameRecord {
  return {
    gameId: BigInt(r.game_id),
    batchIndex: BigInt(r.batch_index),
    status: r.status as GameStatusName,
    lo: BigInt(r.lo),
    hi: BigInt(r.hi),
    loRoot: r.lo_root as Hex,
    hiRoot: r.hi_root as Hex,
    turn: r.turn as TurnName,
    falseChallenge: r.false_challenge === 1,
    settled: r.settled === 1,
    note: r.note,
  };
}

function moveFromRow(r: MoveRow): MoveRecord {
  return {
    gameId: BigInt(r.game_id),
    seq: r.seq,
    move: r.move as MoveKind,
    l1TxHash: r.l1_tx as Hex,
    l1Block: BigInt(r.l1_block),
    gasUsed: BigInt(r.gas_used),
    at: r.at,
    details: JSON.parse(r.details) as MoveRecord['details'],
  };
}

export class ChallengerDb {
  readonly sqlite: Database.Database;

  /** Creates the tables when missing. */
  constructor(sqlite: Database.Database) {
    this.sqlite = sqlite;
    sqlite.exec(`
      CREATE TABLE IF NOT EXISTS challenger_batches (
        batch_index INTEGER PRIMARY KEY,
        first_block TEXT NOT NULL,
        last_block TEXT NOT NULL,
        l1_block TEXT NOT NULL,
        l1_tx TEXT NOT NULL,
        valid INTEGER NOT NULL,
        invalid_reason TEXT,
        computed_state_root TEXT,
        computed_output_root TEXT,
        verdict TEXT NOT NULL,
        posted_state_root TEXT,
        posted_output_root TEXT,
        challenge_tx TEXT,
        note TEXT
      );
      CREATE TABLE IF NOT EXISTS challenger_games (
        game_id INTEGER PRIMARY KEY,
        batch_index INTEGER NOT NULL,
        status TEXT NOT NULL,
        lo TEXT NOT NULL,
        hi TEXT NOT NULL,
        lo_root TEXT NOT NULL,
        hi_root TEXT NOT NULL,
        turn TEXT NOT NULL,
        false_challenge INTEGER NOT NULL,
        settled INTEGER NOT NULL,
        note TEXT
      );
      CREATE TABLE IF NOT EXISTS challenger_moves (
        game_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        move TEXT NOT NULL,
        l1_tx TEXT NOT NULL,
        l1_block TEXT NOT NULL,
        gas_used TEXT NOT NULL,
        at TEXT NOT NULL,
        details TEXT NOT NULL,
        PRIMARY KEY (game_id, seq)
      );`);
  }

  /** Inserts or replaces a batch row. */
  putBatch(r: BatchRecord): void {
    this.sqlite
      .prepare(
        `INSERT OR REPLACE INTO challenger_batches (batch_index, first_block, last_block, l1_block, l1_tx, valid, invalid_reason,
          computed_state_root, computed_output_root, verdict, posted_state_root, posted_output_root, challenge_tx, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        Number(r.batchIndex),
        r.firstBlock.toString(),
        r.lastBlock.toString(),
        r.l1Block.toString(),
        r.l1TxHash,
        r.valid ? 1 : 0,
        r.invalidReason,
        r.computedStateRoot,
        r.computedOutputRoot,
        r.verdict,
        r.postedStateRoot,
        r.postedOutputRoot,
        r.challengeTx,
        r.note,
      );
  }

  /** All batch rows, by index. */
  batches(): BatchRecord[] {
    return (this.sqlite.prepare('SELECT * FROM challenger_batches ORDER BY batch_index').all() as BatchRow[]).map(fromRow);
  }

  /**
   * Rows still to judge or to challenge: pending, or disagree without a landed challenge or a
   * final note; plus batch `alsoIndex` (the false-challenge drill) while it has no challenge tx
   * and no note.
   */
  openBatches(alsoIndex?: bigint): BatchRecord[] {
    return (
      this.sqlite
        .prepare(
          `SELECT * FROM challenger_batches WHERE verdict = 'pending'
             OR (verdict = 'disagree' AND challenge_tx IS NULL AND note IS NULL)
             OR (batch_index = ? AND challenge_tx IS NULL AND note IS NULL)
           ORDER BY batch_index`,
        )
        .all(alsoIndex === undefined ? -1 : Number(alsoIndex)) as BatchRow[]
    ).map(fromRow);
  }

  /** Index of the last batch recorded, or -1n. */
  lastBatchIndex(): bigint {
    const r = this.sqlite.prepare('SELECT MAX(batch_index) AS m FROM challenger_batches').get() as { m: number | null };
    return r.m === null ? -1n : BigInt(r.m);
  }

  /**
   * Back to `pending` (posted roots, challenge tx and note cleared) for every judged batch at or
   * above `fromIndex`: their outputs were deleted from the oracle and will be proposed again.
   * @returns how many rows changed.
   */
  reopenFrom(fromIndex: bigint): number {
    return this.sqlite
      .prepare(
        `UPDATE challenger_batches SET verdict = 'pending', posted_state_root = NULL, posted_output_root = NULL, challenge_tx = NULL, note = NULL
         WHERE batch_index >= ? AND verdict != 'pending'`,
      )
      .run(Number(fromIndex)).changes;
  }

  /** Inserts or replaces a game row. */
  putGame(g: GameRecord): void {
    this.sqlite
      .prepare(
        `INSERT OR REPLACE INTO challenger_games (game_id, batch_index, status, lo, hi, lo_root, hi_root, turn, false_challenge, settled, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(Number(g.gameId), Number(g.batchIndex), g.status, g.lo.toString(), g.hi.toString(), g.loRoot, g.hiRoot, g.turn, g.falseChallenge ? 1 : 0, g.settled ? 1 : 0, g.note);
  }

  game(gameId: bigint): GameRecord | undefined {
    const r = this.sqlite.prepare('SELECT * FROM challenger_games WHERE game_id = ?').get(Number(gameId)) as GameRow | undefined;
    return r === undefined ? undefined : gameFromRow(r);
  }

  /** All games, by id. */
  games(): GameRecord[] {
    return (this.sqlite.prepare('SELECT * FROM challenger_games ORDER BY game_id').all() as GameRow[]).map(gameFromRow);
  }

  /** Games still to play or to settle. */
  openGames(): GameRecord[] {
    return (this.sqlite.prepare('SELECT * FROM challenger_games WHERE settled = 0 ORDER BY game_id').all() as GameRow[]).map(gameFromRow);
  }

  /** Appends a move (its `seq` is assigned here) and returns it. */
  addMove(m: Omit<MoveRecord, 'seq'>): MoveRecord {
    const r = this.sqlite.prepare('SELECT COALESCE(MAX(seq) + 1, 0) AS s FROM challenger_moves WHERE game_id = ?').get(Number(m.gameId)) as { s: number };
    const rec: MoveRecord = { ...m, seq: r.s };
    this.sqlite
      .prepare('INSERT INTO challenger_moves (game_id, seq, move, l1_tx, l1_block, gas_used, at, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(Number(rec.gameId), rec.seq, rec.move, rec.l1TxHash, rec.l1Block.toString(), rec.gasUsed.toString(), rec.at, JSON.stringify(rec.details));
    return rec;
  }

  /** Moves of `gameId`, in order. */
  moves(gameId: bigint): MoveRecord[] {
    return (this.sqlite.prepare('SELECT * FROM challenger_moves WHERE game_id = ? ORDER BY seq').all(Number(gameId)) as MoveRow[]).map(moveFromRow);
  }
}
