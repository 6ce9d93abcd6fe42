/**
 * A drill's report: outcome checks, the L1 timeline (block, time, actor, action, gas), gas per
 * move and in total, bonds moved, and the final state (outputs finalized and deleted, games, the
 * sequencer's root against the challenger's). Rendered as text and as JSON (bigints as decimal
 * strings).
 */
import { formatEther, type Hex } from 'viem';
import { challengerStatus, GAME_STATUS_NAMES, OUTPUT_STATUS_NAMES, type L1View } from './l1.ts';
import { l2Client } from './load.ts';
import { computeOutputRoot } from '../../sequencer/codec/output-root.ts';
import type { Check } from './scenarios.ts';
import { bondMoves, gasSummary, type BondMove, type GasSummary, type TimeJump, type TimelineRow } from './timeline.ts';

/** Final state of the rollup after a drill. */
export interface FinalState {
  batches: bigint;
  nextBatchIndex: bigint;
  finalizedCount: bigint;
  outputs: Array<{ batchIndex: bigint; status: string; l2Block: bigint; outputRoot: Hex }>;
  deleted: Array<{ from: bigint; to: bigint; l1Block: bigint }>;
  games: Array<{ gameId: bigint; batchIndex: bigint; status: string; lo: bigint; hi: bigint }>;
  proposerBondBalance: bigint;
  /** Wei withdrawable per actor at the end. */
  credits: Record<string, bigint>;
  /** The challenger's derived head and both output roots there. */
  l2Block?: bigint;
  sequencerRoot?: Hex;
  challengerRoot?: Hex | null;
  rootsAgree?: boolean;
}

/** Everything a drill reports. */
export interface DrillReport {
  scenario: string;
  expected: string;
  passed: boolean;
  durationMs: number;
  env: Record<string, string>;
  checks: Check[];
  error?: string;
  timeline: TimelineRow[];
  jumps: TimeJump[];
  gas: GasSummary;
  bonds: BondMove[];
  final?: FinalState;
  logFile: string;
}

/**
 * Reads the final state (best effort: fields that cannot be read are left out).
 * @param actors name -> L1 address of the accounts whose credits are reported.
 */
export async function readFinalState(view: L1View, l2Url: string, challengerUrl: string, actors: Record<string, Hex>): Promise<FinalState> {
  const [batches, nextBatchIndex, finalizedCount, gameCount, proposerBondBalance] = await Promise.all([
    view.batchCount(),
    view.nextBatchIndex(),
    view.finalizedCount(),
    view.gameCount(),
    view.oracle<bigint>('proposerBondBalance'),
  ]);
  const outputs: FinalState['outputs'] = [];
  for (let i = 0n; i < nextBatchIndex; i++) {
    const o = await view.getOutput(i);
    outputs.push({ batchIndex: i, status: OUTPUT_STATUS_NAMES[o.status] ?? String(o.status), l2Block: o.l2BlockNumber, outputRoot: o.outputRoot });
  }
  const games: FinalState['games'] = [];
  for (let id = 0n; id < gameCount; id++) {
    const g = await view.getGame(id);
    games.push({ gameId: id, batchIndex: g.batchIndex, status: GAME_STATUS_NAMES[g.status] ?? String(g.status), lo: g.lo, hi: g.hi });
  }
  const deleted = (await view.events())
    .filter((e) => e.name === 'OutputsDeleted')
    .map((e) => ({ from: e.args.fromBatchIndex as bigint, to: e.args.toBatchIndex as bigint, l1Block: e.blockNumber }));
  const credits: Record<string, bigint> = {};
  for (const [name, addr] of Object.entries(actors)) credits[name] = await view.oracle<bigint>('credits', [addr]);
  const out: FinalState = { batches, nextBatchIndex, finalizedCount, outputs, deleted, games, proposerBondBalance, credits };
  try {
    const st = await challengerStatus(challengerUrl);
    const head = BigInt(st.l2Head);
    const b = await l2Client(l2Url).getBlock({ blockNumber: head });
    out.l2Block = head;
    out.sequencerRoot = computeOutputRoot(b.stateRoot, b.hash!);
    out.challengerRoot = [...st.verdicts].reverse().find((v) => v.computedOutputRoot !== null && BigInt(v.lastBlock) === head)?.computedOutputRoot ?? null;
    out.rootsAgree = out.sequencerRoot === out.challengerRoot;
  } catch {
    // challenger or L2 gone: leave the roots out
  }
  return out;
}

/** Builds the summaries of a report from its timeline. */
export function summarize(rows: TimelineRow[], challengerBond: bigint, names: Map<string, string>): { gas: GasSummary; bonds: BondMove[] } {
  return { gas: gasSummary(rows), bonds: bondMoves(rows, challengerBond, names) };
}

const num = (n: bigint) => n.toLocaleString('en-US');
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/**
 * The text report.
 * @param opts.full print every timeline row (default: batches/outputs/finalizations of the happy
 *   path are folded into counts when there are many).
 */
export function renderReport(r: DrillReport): string {
  const lines: string[] = [];
  lines.push(`=== drill ${r.scenario}: ${r.passed ? 'PASS' : 'FAIL'} (${(r.durationMs / 1000).toFixed(1)} s) ===`);
  lines.push(`expected: ${r.expected}`);
  const env = Object.entries(r.env).filter(([k]) => k.startsWith('FAULT_') || k === 'FINALIZE_OUTPUTS');
  if (env.length > 0) lines.push(`fault env: ${env.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (r.error) lines.push(`ERROR: ${r.error}`);
  lines.push('', 'checks:');
  for (const c of r.checks) lines.push(`  ${c.ok ? '✓' : '✗'} ${c.name}${c.detail ? `  [${c.detail}]` : ''}`);

  lines.push('', 'timeline (L1):');
  lines.push(`  ${pad('block', 6)} ${lpad('t(s)', 6)}  ${pad('actor', 10)} ${lpad('gas', 9)}  action`);
  const t0 = r.timeline[0]?.time ?? 0n;
  const jumps = [...r.jumps];
  for (const row of r.timeline) {
    while (jumps.length > 0 && jumps[0]!.l1Block <= row.l1Block) {
      const j = jumps.shift()!;
      lines.push(`  ${pad('', 6)} ${lpad('', 6)}  ${pad('drill', 10)} ${lpad('', 9)}  evm_increaseTime +${j.seconds} s, evm_mine (${j.why})`);
    }
    lines.push(`  ${pad(String(row.l1Block), 6)} ${lpad(`+${row.time - t0}`, 6)}  ${pad(row.actor, 10)} ${lpad(num(row.gasUsed), 9)}  ${row.action}`);
  }
  for (const j of jumps) lines.push(`  ${pad('', 6)} ${lpad('', 6)}  ${pad('drill', 10)} ${lpad('', 9)}  evm_increaseTime +${j.seconds} s, evm_mine (${j.why})`);

  lines.push('', 'L1 gas per move:');
  for (const m of [...r.gas.perMove].sort((a, b) => (a.actor === b.actor ? a.move.localeCompare(b.move) : a.actor.localeCompare(b.actor)))) {
    lines.push(`  ${pad(m.actor, 10)} ${pad(m.move, 16)} x${lpad(String(m.count), 3)}  ${lpad(num(m.gas), 11)} gas  (avg ${num(m.gas / BigInt(m.count))})`);
  }
  lines.push(`  dispute total (challenge, reveal, respond, step, timeout, withdraw): ${num(r.gas.disputeGas)} gas in ${r.gas.disputeTxs} txs`);
  lines.push(`  all L1 txs: ${num(r.gas.totalGas)} gas in ${r.gas.totalTxs} txs`);

  lines.push('', 'bonds moved:');
  if (r.bonds.length === 0) lines.push('  (none)');
  for (const b of r.bonds) lines.push(`  L1 ${pad(String(b.l1Block), 5)} ${pad(b.what, 52)} ${formatEther(b.amount)} ETH`);

  if (r.final) {
    const f = r.final;
    lines.push('', 'final state:');
    lines.push(`  batches ${f.batches}, outputs ${f.nextBatchIndex} (finalized ${f.finalizedCount}), proposer bond ${formatEther(f.proposerBondBalance)} ETH`);
    lines.push(`  outputs: ${f.outputs.map((o) => `#${o.batchIndex}@L2 ${o.l2Block} ${o.status}`).join(', ') || '(none)'}`);
    lines.push(`  deleted: ${f.deleted.map((d) => `#${d.from}..#${d.to} (L1 ${d.l1Block})`).join(', ') || '(none)'}`);
    lines.push(`  games: ${f.games.map((g) => `${g.gameId} on #${g.batchIndex} L2 ${g.lo}..${g.hi} ${g.status}`).join(', ') || '(none)'}`);
    lines.push(`  credits left: ${Object.entries(f.credits).map(([k, v]) => `${k} ${formatEther(v)} ETH`).join(', ')}`);
    if (f.l2Block !== undefined) {
      lines.push(`  L2 #${f.l2Block}: sequencer output root ${f.sequencerRoot} ${f.rootsAgree ? '=' : '≠'} challenger ${f.challengerRoot ?? '(none)'}`);
    }
  }
  lines.push(`  logs: ${r.logFile}`);
  return lines.join('\n');
}

/** JSON-safe copy (bigints as decimal strings). */
export function reportJson(r: DrillReport): unknown {
  return JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}
