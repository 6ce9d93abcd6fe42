/**
 * The demo's view of L1 and the challenger, as an outside client: it reads the rollup addresses
 * the devnet wrote, follows BatchInbox `BatchAppended` events on L1, reads each batch's bytes
 * back from the L1 transaction's calldata, and asks the challenger for its verdicts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, decodeFunctionData, hexToBytes, http, keccak256 } from 'viem';
import type { Address, Hex, PublicClient } from 'viem';
import { batchInboxAbi } from './contracts.ts';

/** `data/addresses.json` as the devnet writes it (bigints as decimal strings on disk). */
export interface RollupAddresses {
  batchInbox: Address;
  outputOracle: Address;
  l1ChainId: bigint;
  /** L1 block the rollup contracts were deployed in: where to start reading events. */
  deployedAtBlock: bigint;
}

/**
 * Reads `<dataDir>/addresses.json`, waiting up to `timeoutMs` for it to appear (a devnet just
 * started may write it late).
 * @throws Error if it does not appear in time or lacks a field.
 */
export async function readAddresses(dataDir: string, timeoutMs: number): Promise<RollupAddresses> {
  const file = join(dataDir, 'addresses.json');
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} not found (is the devnet running with this DATA_DIR?)`);
    await sleep(500);
  }
  const j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string | number | undefined>;
  for (const k of ['batchInbox', 'outputOracle', 'l1ChainId', 'deployedAtBlock']) {
    if (j[k] === undefined) throw new Error(`${file}: missing ${k}`);
  }
  return {
    batchInbox: j.batchInbox as Address,
    outputOracle: j.outputOracle as Address,
    l1ChainId: BigInt(j.l1ChainId as string),
    deployedAtBlock: BigInt(j.deployedAtBlock as string),
  };
}

/** Decoded batch contents, when the sequencer's codec is available. */
export interface DecodedBatch {
  /** L2 transactions in the batch. */
  txs: number;
  /** Bytes of the uncompressed RLP payload. */
  rawBytes: number;
  compression: string;
}

/** One batch on L1, with what the demo measured about it. */
export interface BatchInfo {
  batchIndex: number;
  firstBlock: bigint;
  lastBlock: bigint;
  l1TxHash: Hex;
  l1Block: bigint;
  /** Length of the `data` argument of `appendBatch`: the (compressed) batch bytes. */
  dataBytes: number;
  /** Length of the whole L1 transaction input (selector + ABI encoding + data). */
  calldataBytes: number;
  decoded?: DecodedBatch;
}

type DecodeBatch = (data: Uint8Array) => {
  blocks: Array<{ number: bigint; timestamp: bigint; txs: Hex[] }>;
  rawBytes: number;
  compression: string;
};

/**
 * Loads `decodeBatch` from the sequencer's codec (`sequencer/codec/batch.ts`). The only place
 * the demo touches sequencer code; returns the reason instead when the module is missing.
 */
async function loadDecodeBatch(): Promise<DecodeBatch | string> {
  const specifier = '../../sequencer/codec/batch.ts'; // non-literal: may not exist yet
  try {
    const m = (await import(specifier)) as { decodeBatch?: DecodeBatch };
    return typeof m.decodeBatch === 'function' ? m.decodeBatch : 'sequencer/codec/batch.ts has no decodeBatch export';
  } catch (e) {
    return `cannot load sequencer/codec/batch.ts: ${(e as Error).message.split('\n')[0]}`;
  }
}

/**
 * Polls L1 until `BatchAppended` events cover L2 block `lastL2Block`, then returns every batch
 * overlapping `[firstL2Block, lastL2Block]` with its calldata read back (its keccak256 checked
 * against the event's `dataHash`) and decoded when the codec is available. `decodeError` says
 * why some batch was not decoded (codec missing, or the codec rejected the bytes).
 * @param deadline `Date.now()` value after which it gives up.
 * @throws Error on timeout or if a batch's bytes do not match its `dataHash`.
 */
export async function waitForBatches(
  l1: PublicClient,
  addr: RollupAddresses,
  firstL2Block: bigint,
  lastL2Block: bigint,
  deadline: number,
): Promise<{ batches: BatchInfo[]; decodeError?: string }> {
  for (;;) {
    const events = await l1.getContractEvents({
      address: addr.batchInbox,
      abi: batchInboxAbi,
      eventName: 'BatchAppended',
      fromBlock: addr.deployedAtBlock,
      toBlock: 'latest',
    });
    const covered = events.reduce((m, e) => ((e.args.lastBlock ?? 0n) > m ? (e.args.lastBlock ?? 0n) : m), 0n);
    if (covered >= lastL2Block) {
      const relevant = events.filter((e) => (e.args.lastBlock ?? 0n) >= firstL2Block && (e.args.firstBlock ?? 0n) <= lastL2Block);
      const decode = await loadDecodeBatch();
      let decodeError = typeof decode === 'string' ? decode : undefined;
      const batches: BatchInfo[] = [];
      for (const e of relevant) {
        const tx = await l1.getTransaction({ hash: e.transactionHash });
        const { args } = decodeFunctionData({ abi: batchInboxAbi, data: tx.input });
        const data = args[2] as Hex;
        if (keccak256(data) !== e.args.dataHash) throw new Error(`batch ${e.args.batchIndex}: calldata does not hash to dataHash`);
        const bytes = hexToBytes(data);
        const info: BatchInfo = {
          batchIndex: Number(e.args.batchIndex),
          firstBlock: e.args.firstBlock ?? 0n,
          lastBlock: e.args.lastBlock ?? 0n,
          l1TxHash: e.transactionHash,
          l1Block: e.blockNumber,
          dataBytes: bytes.length,
          calldataBytes: (tx.input.length - 2) / 2,
        };
        if (typeof decode === 'function') {
          try {
            const b = decode(bytes);
            info.decoded = { txs: b.blocks.reduce((s, blk) => s + blk.txs.length, 0), rawBytes: b.rawBytes, compression: b.compression };
          } catch (err) {
            decodeError ??= `batch ${info.batchIndex}: ${(err as Error).message}`;
          }
        }
        batches.push(info);
      }
      return decodeError === undefined ? { batches } : { batches, decodeError };
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out: L1 batches cover L2 blocks up to ${covered}, the demo's last block is ${lastL2Block}`);
    }
    await sleep(1000);
  }
}

/** One entry of `parallax_challengerStatus`. Block numbers are decimal strings. */
export interface Verdict {
  batchIndex: number;
  firstBlock: string;
  lastBlock: string;
  verdict: 'agree' | 'disagree' | 'pending';
  postedOutputRoot: Hex | null;
  computedOutputRoot: Hex | null;
}

/**
 * Polls the challenger's `parallax_challengerStatus` (JSON-RPC, no params) until every batch in
 * `batchIndexes` has a verdict other than "pending", or until `deadline` (`Date.now()` value).
 * @returns One entry per requested batch; batches the challenger never reported on come back
 *   as "pending" with null roots, and `timedOut` is set.
 */
export async function waitForVerdicts(
  url: string,
  batchIndexes: number[],
  deadline: number,
): Promise<{ verdicts: Verdict[]; timedOut: boolean; lastError?: string }> {
  const client = createClient({ transport: http(url, { retryCount: 0, timeout: 5000 }) });
  let latest = new Map<number, Verdict>();
  let lastError: string | undefined;
  for (;;) {
    try {
      const status = (await client.request({ method: 'parallax_challengerStatus' as never, params: [] as never })) as {
        verdicts: Verdict[];
      };
      latest = new Map(status.verdicts.map((v) => [v.batchIndex, v]));
      lastError = undefined;
    } catch (e) {
      lastError = (e as { shortMessage?: string; message: string }).shortMessage ?? (e as Error).message;
    }
    const done = batchIndexes.every((i) => {
      const v = latest.get(i);
      return v !== undefined && v.verdict !== 'pending';
    });
    const timedOut = !done && Date.now() > deadline;
    if (done || timedOut) {
      const verdicts = batchIndexes.map(
        (i) =>
          latest.get(i) ?? { batchIndex: i, firstBlock: '?', lastBlock: '?', verdict: 'pending' as const, postedOutputRoot: null, computedOutputRoot: null },
      );
      return lastError === undefined ? { verdicts, timedOut } : { verdicts, timedOut, lastError };
    }
    await sleep(1000);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
