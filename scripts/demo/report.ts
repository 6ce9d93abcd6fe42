/**
 * The demo's figures: what was sent and what failed, how the L2 executed it, throughput, what it
 * cost on L1 and what the challenger concluded. Printed as text and optionally written as JSON.
 */
import { writeFileSync } from 'node:fs';
import { numberToHex } from 'viem';
import type { PublicClient } from 'viem';
import type { BatchInfo, Verdict } from './l1.ts';
import type { RunResult, TxKind, TxRecord } from './send.ts';

/** `parallax_getBlockExecution` result: how the parallel executor split one block. */
export interface BlockExecution {
  mode: 'sequential' | 'parallel';
  txs: number;
  /** Conflict-free groups executed. */
  groups: number;
  /** Group sizes, largest first. */
  groupSizes: number[];
  /** Transactions re-executed because their group was wrong. */
  reexecuted: number;
  rounds: number;
  workers: number;
  /** Milliseconds: whole block, and the state-root part of it. */
  ms: number;
  rootMs: number;
}

/**
 * Fetches `parallax_getBlockExecution` for each block (hex block number param), 8 at a time.
 * @returns The stats by block number, or the reason they are not available (e.g. the node is a
 *   plain Hardhat node without the method).
 */
export async function fetchBlockExecutions(l2: PublicClient, blocks: bigint[]): Promise<Map<bigint, BlockExecution> | string> {
  const out = new Map<bigint, BlockExecution>();
  const get = (n: bigint) =>
    l2.request({ method: 'parallax_getBlockExecution' as never, params: [numberToHex(n)] as never }) as Promise<BlockExecution | null>;
  try {
    for (let i = 0; i < blocks.length; i += 8) {
      const chunk = blocks.slice(i, i + 8);
      const res = await Promise.all(chunk.map(get));
      res.forEach((r, j) => {
        if (r) out.set(chunk[j] as bigint, r);
      });
    }
  } catch (e) {
    return `parallax_getBlockExecution: ${(e as { shortMessage?: string; message: string }).shortMessage ?? (e as Error).message}`;
  }
  return out;
}

/** Everything the demo reports; bigints are written as decimal strings in JSON. */
export interface DemoFigures {
  l2ChainId: number;
  txsRequested: number;
  /** Accepted by the node, by kind (setup kinds included). */
  sent: Partial<Record<TxKind, number>>;
  /** Failed unexpectedly (rejected, reverted or no receipt), by kind. */
  failed: Partial<Record<TxKind, number>>;
  failures: Array<{ label: string; from: string; error: string }>;
  load: {
    txs: number;
    ok: number;
    /** First load send to the last load receipt (s). */
    seconds: number;
    txPerSecond: number;
    firstBlock: bigint | null;
    lastBlock: bigint | null;
    /** Distinct L2 blocks holding load transactions. */
    blocks: number;
  };
  /** All demo blocks (setup + load), the range whose batches are checked. */
  demoBlocks: { first: bigint | null; last: bigint | null };
  execution:
    | { available: true; blocks: Array<{ number: bigint } & BlockExecution>; avgGroupsPerBlock: number; reexecuted: number; rounds: number }
    | { available: false; reason: string };
  l1:
    | { checked: false; reason: string }
    | {
        checked: true;
        batches: BatchInfo[];
        /** Compressed batch bytes per L2 tx, and raw RLP bytes per tx (null when not decodable). */
        bytesPerTx: { compressed: number | null; raw: number | null; txs: number; compression: string | null };
        decodeError?: string;
        verdicts: Verdict[];
        error?: string;
      };
  ok: boolean;
}

function countBy(records: TxRecord[], pred: (r: TxRecord) => boolean): Partial<Record<TxKind, number>> {
  const c: Partial<Record<TxKind, number>> = {};
  for (const r of records) if (pred(r)) c[r.kind] = (c[r.kind] ?? 0) + 1;
  return c;
}

/** Distinct block numbers of the mined records, ascending. */
export function blocksOf(records: TxRecord[]): bigint[] {
  const s = new Set<bigint>();
  for (const r of records) if (r.receipt) s.add(r.receipt.blockNumber);
  return [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Computes the transaction part of the figures from the setup and load records.
 * `execution`, `l1` and `ok` are filled by the caller.
 */
export function txFigures(
  l2ChainId: number,
  txsRequested: number,
  setup: TxRecord[],
  load: RunResult,
): Pick<DemoFigures, 'l2ChainId' | 'txsRequested' | 'sent' | 'failed' | 'failures' | 'load' | 'demoBlocks'> {
  const all = [...setup, ...load.records];
  const loadBlocks = blocksOf(load.records);
  const allBlocks = blocksOf(all);
  const ok = load.records.filter((r) => r.ok).length;
  const seconds = Math.max(0.001, (load.lastReceiptAt - load.firstSendAt) / 1000);
  return {
    l2ChainId,
    txsRequested,
    sent: countBy(all, (r) => r.hash !== undefined),
    failed: countBy(all, (r) => !r.ok),
    failures: all.filter((r) => !r.ok).map((r) => ({ label: r.label, from: r.from, error: r.error ?? '?' })),
    load: {
      txs: load.records.length,
      ok,
      seconds,
      txPerSecond: ok / seconds,
      firstBlock: loadBlocks[0] ?? null,
      lastBlock: loadBlocks.at(-1) ?? null,
      blocks: loadBlocks.length,
    },
    demoBlocks: { first: allBlocks[0] ?? null, last: allBlocks.at(-1) ?? null },
  };
}

/** Summarises the stats of the load's blocks for {@link DemoFigures.execution}. */
export function executionFigures(stats: Map<bigint, BlockExecution> | string): DemoFigures['execution'] {
  if (typeof stats === 'string') return { available: false, reason: stats };
  if (stats.size === 0) return { available: false, reason: 'no block returned execution stats' };
  const blocks = [...stats].map(([number, s]) => ({ number, ...s }));
  return {
    available: true,
    blocks,
    avgGroupsPerBlock: blocks.reduce((a, b) => a + b.groups, 0) / blocks.length,
    reexecuted: blocks.reduce((a, b) => a + b.reexecuted, 0),
    rounds: Math.max(...blocks.map((b) => b.rounds)),
  };
}

/** Bytes per L2 tx over `batches` (compressed calldata vs raw RLP). */
export function bytesPerTx(batches: BatchInfo[], txsWithoutDecoder: number): { compressed: number | null; raw: number | null; txs: number; compression: string | null } {
  const dataBytes = batches.reduce((a, b) => a + b.dataBytes, 0);
  const decoded = batches.every((b) => b.decoded !== undefined);
  const txs = decoded ? batches.reduce((a, b) => a + (b.decoded?.txs ?? 0), 0) : txsWithoutDecoder;
  const raw = decoded ? batches.reduce((a, b) => a + (b.decoded?.rawBytes ?? 0), 0) : null;
  const compression = decoded ? [...new Set(batches.map((b) => b.decoded?.compression))].join(',') : null;
  return {
    compressed: txs > 0 ? dataBytes / txs : null,
    raw: raw !== null && txs > 0 ? raw / txs : null,
    txs,
    compression,
  };
}

const KINDS: TxKind[] = ['deploy', 'setup', 'fund', 'eth', 'erc20', 'hot', 'swap'];

/** Prints the report to stdout. */
export function printReport(f: DemoFigures): void {
  const p = (s = '') => console.log(s);
  const kinds = (c: Partial<Record<TxKind, number>>) =>
    KINDS.filter((k) => c[k]).map((k) => `${k} ${c[k]}`).join(', ') || 'none';
  const total = (c: Partial<Record<TxKind, number>>) => Object.values(c).reduce((a, b) => a + b, 0);
  p();
  p('=== parallax demo report ===');
  p(`L2 chain id            ${f.l2ChainId}`);
  p(`txs sent               ${total(f.sent)} (${kinds(f.sent)})`);
  p(`txs failed unexpectedly ${total(f.failed)}${total(f.failed) ? ` (${kinds(f.failed)})` : ''}`);
  for (const x of f.failures.slice(0, 10)) p(`  - ${x.label} from ${x.from}: ${x.error}`);
  if (f.failures.length > 10) p(`  ... and ${f.failures.length - 10} more`);
  p(`load                   ${f.load.ok}/${f.load.txs} ok in ${f.load.seconds.toFixed(2)} s = ${f.load.txPerSecond.toFixed(1)} L2 tx/s (first send to last receipt)`);
  p(`L2 blocks used (load)  ${f.load.blocks} (${f.load.firstBlock}..${f.load.lastBlock}); demo blocks ${f.demoBlocks.first}..${f.demoBlocks.last}`);
  if (f.execution.available) {
    const e = f.execution;
    p(`conflict-free groups   ${e.avgGroupsPerBlock.toFixed(1)} per block on average; re-executed txs ${e.reexecuted}; max rounds ${e.rounds}`);
    const shown = e.blocks.length <= 12 ? e.blocks : e.blocks.slice(0, 12);
    for (const b of shown) {
      const sizes = b.groupSizes.slice(0, 6).join(',') + (b.groupSizes.length > 6 ? ',...' : '');
      p(`  block ${b.number}: ${b.mode}, ${b.txs} txs, ${b.groups} groups [${sizes}], re-executed ${b.reexecuted}, rounds ${b.rounds}, ${b.workers} workers, ${b.ms} ms (root ${b.rootMs} ms)`);
    }
    if (shown.length < e.blocks.length) p(`  ... ${e.blocks.length - shown.length} more blocks`);
  } else {
    p(`conflict-free groups   n/a (${f.execution.reason})`);
  }
  if (!f.l1.checked) {
    p(`L1 / challenger        not checked (${f.l1.reason})`);
  } else {
    const l1 = f.l1;
    p(`batches posted         ${l1.batches.length} (${l1.batches.map((b) => `#${b.batchIndex}: L2 ${b.firstBlock}..${b.lastBlock}, ${b.dataBytes} B`).join('; ')})`);
    const bpt = l1.bytesPerTx;
    p(
      `L1 bytes per L2 tx     ${bpt.compressed?.toFixed(1) ?? 'n/a'} compressed` +
        (bpt.raw !== null ? ` vs ${bpt.raw.toFixed(1)} raw RLP (${bpt.compression}, ${bpt.txs} txs)` : ` (${bpt.txs} txs; raw n/a: ${l1.decodeError ?? 'not decoded'})`),
    );
    for (const v of l1.verdicts) {
      p(`  challenger batch #${v.batchIndex} (L2 ${v.firstBlock}..${v.lastBlock}): ${v.verdict}${v.verdict === 'disagree' ? ` posted ${v.postedOutputRoot} computed ${v.computedOutputRoot}` : ''}`);
    }
    if (l1.error) p(`  error: ${l1.error}`);
  }
  p(`result                 ${f.ok ? 'OK' : 'FAILED'}`);
}

/** Writes the figures as JSON (bigints as decimal strings). */
export function writeJson(file: string, f: DemoFigures): void {
  writeFileSync(file, JSON.stringify(f, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n');
}
