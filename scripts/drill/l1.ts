/**
 * The drill's view of L1 (as an outside observer, through viem): rollup contract state and
 * events, Hardhat time travel (`evm_increaseTime` + `evm_mine`) instead of waiting for windows
 * and clocks, and the challenger's status RPC.
 */
import { createPublicClient, http, parseEventLogs, type Abi, type Address, type Hex, type Log, type PublicClient } from 'viem';
import { batchInboxAbi, disputeGameManagerAbi, outputOracleAbi, type RollupAddresses } from '../../sequencer/l1/contracts.ts';
import type { OnChainGame as GameState } from '../../sequencer/l1/game.ts';

/** `OutputOracle.getOutput` as viem decodes it. */
export interface OracleOutput {
  stateRoot: Hex;
  outputRoot: Hex;
  l2BlockNumber: bigint;
  timestamp: bigint;
  /** 0 None, 1 Proposed, 2 Challenged, 3 Finalized. */
  status: number;
  challenger: Address;
}

export type { GameState };

export const GAME_STATUS_NAMES = ['None', 'InProgress', 'ChallengerWins', 'DefenderWins', 'Cancelled'] as const;
export const OUTPUT_STATUS_NAMES = ['None', 'Proposed', 'Challenged', 'Finalized'] as const;

/** A decoded rollup event with where it happened. */
export interface RollupEvent {
  contract: 'inbox' | 'oracle' | 'manager';
  name: string;
  args: Record<string, unknown>;
  blockNumber: bigint;
  txHash: Hex;
  logIndex: number;
}

/** Reads of the rollup contracts. */
export class L1View {
  readonly client: PublicClient;
  readonly url: string;
  readonly a: RollupAddresses;

  constructor(url: string, addresses: RollupAddresses) {
    this.url = url;
    this.a = addresses;
    this.client = createPublicClient({ transport: http(url, { retryCount: 2 }), pollingInterval: 100 }) as PublicClient;
  }

  private read<T>(address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []): Promise<T> {
    return this.client.readContract({ address, abi, functionName, args }) as Promise<T>;
  }

  oracle<T>(fn: string, args: readonly unknown[] = []): Promise<T> {
    return this.read<T>(this.a.outputOracle, outputOracleAbi(), fn, args);
  }

  manager<T>(fn: string, args: readonly unknown[] = []): Promise<T> {
    return this.read<T>(this.a.disputeGameManager, disputeGameManagerAbi(), fn, args);
  }

  inbox<T>(fn: string, args: readonly unknown[] = []): Promise<T> {
    return this.read<T>(this.a.batchInbox, batchInboxAbi(), fn, args);
  }

  batchCount(): Promise<bigint> {
    return this.inbox<bigint>('batchCount');
  }

  getBatch(i: bigint): Promise<{ firstBlock: bigint; lastBlock: bigint; dataHash: Hex }> {
    return this.inbox('getBatch', [i]);
  }

  nextBatchIndex(): Promise<bigint> {
    return this.oracle<bigint>('nextBatchIndex');
  }

  finalizedCount(): Promise<bigint> {
    return this.oracle<bigint>('finalizedCount');
  }

  getOutput(i: bigint): Promise<OracleOutput> {
    return this.oracle<OracleOutput>('getOutput', [i]);
  }

  gameCount(): Promise<bigint> {
    return this.manager<bigint>('gameCount');
  }

  getGame(id: bigint): Promise<GameState> {
    return this.manager<GameState>('getGame', [id]);
  }

  /** Every event of the three rollup contracts from the deployment block on, in chain order. */
  async events(): Promise<RollupEvent[]> {
    const logs: Log[] = await this.client.getLogs({
      address: [this.a.batchInbox, this.a.outputOracle, this.a.disputeGameManager],
      fromBlock: this.a.deployedAtBlock,
      toBlock: 'latest',
    });
    const out: RollupEvent[] = [];
    const sources: Array<[RollupEvent['contract'], Address, Abi]> = [
      ['inbox', this.a.batchInbox, batchInboxAbi()],
      ['oracle', this.a.outputOracle, outputOracleAbi()],
      ['manager', this.a.disputeGameManager, disputeGameManagerAbi()],
    ];
    for (const [contract, address, abi] of sources) {
      const mine = logs.filter((l) => l.address.toLowerCase() === address.toLowerCase());
      for (const e of parseEventLogs({ abi, logs: mine }) as unknown as Array<Log & { eventName: string; args: Record<string, unknown> }>) {
        out.push({ contract, name: e.eventName, args: e.args, blockNumber: e.blockNumber!, txHash: e.transactionHash!, logIndex: e.logIndex! });
      }
    }
    out.sort((x, y) => (x.blockNumber === y.blockNumber ? x.logIndex - y.logIndex : x.blockNumber < y.blockNumber ? -1 : 1));
    return out;
  }

  /** Latest L1 block's timestamp (seconds). */
  async now(): Promise<bigint> {
    return (await this.client.getBlock({ blockTag: 'latest' })).timestamp;
  }

  /**
   * Moves L1 time forward: `evm_increaseTime(seconds)` then `evm_mine` (Hardhat node JSON-RPC).
   * @returns the new latest block timestamp.
   */
  async advanceTime(seconds: bigint): Promise<bigint> {
    await rpc(this.url, 'evm_increaseTime', [Number(seconds)]);
    await rpc(this.url, 'evm_mine', []);
    return this.now();
  }
}

/** One JSON-RPC call. @throws Error with the server's error message. */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(15_000),
  });
  const j = (await res.json()) as { result?: T; error?: { message: string } };
  if (j.error !== undefined) throw new Error(`${method}: ${j.error.message}`);
  return j.result as T;
}

/** One verdict of the challenger's `parallax_challengerStatus`. */
export interface ChallengerVerdict {
  batchIndex: number;
  firstBlock: string;
  lastBlock: string;
  verdict: 'agree' | 'disagree' | 'pending';
  postedOutputRoot: Hex | null;
  computedOutputRoot: Hex | null;
  valid?: boolean;
  invalidReason?: string;
  note?: string;
}

/** `parallax_challengerStatus` (fields the drill reads). */
export interface ChallengerStatus {
  l2Head: string;
  verdicts: ChallengerVerdict[];
  games?: Array<Record<string, unknown>>;
}

export function challengerStatus(url: string): Promise<ChallengerStatus> {
  return rpc<ChallengerStatus>(url, 'parallax_challengerStatus', []);
}

/**
 * Polls `check` every `everyMs` until it returns a value other than undefined/false.
 * @throws Error naming `what` after `timeoutMs`.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 300): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastErr ? ` (last error: ${(lastErr as Error).message.split('\n')[0]})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
