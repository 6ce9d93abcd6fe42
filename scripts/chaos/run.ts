/**
 * The chaos drill: a devnet (L1 + contracts + sequencer, see stack.ts) under a steady viem load,
 * then
 * 1. `rounds` times: `kill -9` the sequencer mid-load, restart it on the same DATA_DIR, and time
 *    how long the L2 JSON-RPC was gone; the head after the restart must not be below the last
 *    head seen before the kill (a sealed block is durable);
 * 2. an L1 outage: the Hardhat node is frozen (SIGSTOP) for `outageS` seconds while the L2 keeps
 *    building, then resumed (SIGCONT); the batcher and proposer must back off, retry and catch up
 *    with no gap;
 * then the load stops and the drill checks: every acknowledged tx has a receipt (txs lost = 0),
 * L1 batches are contiguous with no duplicate (duplicates = 0), one output per batch, and a
 * sequential replay of the stored chain from genesis reaches every block's state root.
 */
import { devnetRollupConfig } from '../../sequencer/chain/config.ts';
import { batchInboxAbi } from '../../sequencer/l1/contracts.ts';
import { Load } from './load.ts';
import { killProc, startStack, type Stack, type StackPorts } from './stack.ts';
import { checkBatches, l2Head, replaySequential, waitAcked } from './verify.ts';

export interface ChaosOptions {
  workDir: string;
  ports: StackPorts;
  /** kill -9 / restart rounds (default 2). */
  rounds?: number;
  /** Seconds of load before each kill and after the last event (default 3). */
  loadS?: number;
  /** Seconds the L1 is frozen (SIGSTOP); 0 skips this outage (default 15). */
  outageS?: number;
  /**
   * Seconds the L1 refuses the sequencer (the proxy in front of it stops listening and resets
   * open connections); 0 skips it (default: `outageS`). Needs `ports.l1Proxy`.
   */
  refuseS?: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  killsSurvived: number;
  txsAcknowledged: number;
  txsLost: number;
  failedSends: number;
  duplicateBatches: number;
  /** Every problem found with the L1 batches/outputs (empty = none). */
  batchProblems: string[];
  batches: number;
  outputs: number;
  l2Head: bigint;
  /** Blocks whose sequential replay differs from the stored state root. */
  replayMismatches: number;
  replayedTxs: number;
  /** Per kill: ms from SIGKILL to the restarted node answering eth_blockNumber. */
  recoverMs: number[];
  /** Per kill: sealed blocks seen before the kill but missing after the restart (must be 0). */
  blocksLost: number[];
  /** Per L1 outage: kind, seconds, L2 blocks built meanwhile, ms from L1's return until they were all posted. */
  outages: Array<{ kind: 'freeze' | 'refuse'; seconds: number; l2Blocks: number; recoverMs: number }>;
  ok: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Runs the drill (see module doc); always tears the devnet down. */
export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const log = opts.log ?? ((l: string) => console.log(`[chaos] ${l}`));
  const rounds = opts.rounds ?? 2;
  const loadMs = (opts.loadS ?? 3) * 1000;
  const outageMs = (opts.outageS ?? 15) * 1000;
  const t0 = Date.now();
  const stack: Stack = await startStack({ workDir: opts.workDir, ports: opts.ports });
  log(`devnet up in ${Date.now() - t0} ms (L1 ${stack.l1Url}, L2 ${stack.l2Url}, data ${stack.dataDir})`);
  const load = new Load({ url: stack.l2Url });
  const recoverMs: number[] = [];
  const blocksLost: number[] = [];
  const outages: ChaosReport['outages'] = [];
  const refuseMs = (opts.refuseS ?? opts.outageS ?? 15) * 1000;
  const inboxNext = () => stack.l1Client.readContract({ address: stack.addresses.batchInbox, abi: batchInboxAbi(), functionName: 'nextBlock' }) as Promise<bigint>;
  try {
    load.start();
    for (let i = 1; i <= rounds; i++) {
      await sleep(loadMs);
      const before = (await l2Head(stack.l2Url)) ?? 0n;
      const killedAt = Date.now();
      await killProc(stack.sequencer);
      log(`round ${i}: kill -9 sequencer (pid ${stack.sequencer.pid}) at L2 head ${before}, ${load.acked.length} txs acknowledged so far`);
      await stack.restartSequencer();
      const after = await waitFor('the restarted sequencer', 60_000, () => l2Head(stack.l2Url));
      recoverMs.push(Date.now() - killedAt);
      blocksLost.push(after < before ? Number(before - after) : 0);
      log(`round ${i}: back at L2 head ${after} after ${recoverMs.at(-1)} ms (pid ${stack.sequencer.pid})`);
    }
    const outage = async (kind: 'freeze' | 'refuse', ms: number, stop: () => Promise<void>, resume: () => Promise<void>) => {
      await sleep(loadMs);
      const headAtStop = (await l2Head(stack.l2Url)) ?? 0n;
      await stop();
      log(`L1 outage (${kind}) for ${ms / 1000} s at L2 head ${headAtStop}`);
      try {
        await sleep(ms);
      } finally {
        await resume();
      }
      const resumedAt = Date.now();
      const headAtResume = (await l2Head(stack.l2Url)) ?? headAtStop;
      await waitFor(`the batcher to post L2 block ${headAtResume}`, 120_000, async () => (await inboxNext()) > headAtResume);
      outages.push({ kind, seconds: ms / 1000, l2Blocks: Number(headAtResume - headAtStop), recoverMs: Date.now() - resumedAt });
      log(`L1 back (${kind}): the ${outages.at(-1)!.l2Blocks} L2 blocks built meanwhile were on L1 ${outages.at(-1)!.recoverMs} ms later`);
    };
    if (outageMs > 0) {
      // Unresponsive: the Hardhat process is frozen; connections hang, then time out.
      await outage('freeze', outageMs, async () => void process.kill(stack.l1.pid, 'SIGSTOP'), async () => void process.kill(stack.l1.pid, 'SIGCONT'));
    }
    if (refuseMs > 0 && stack.proxy !== undefined) {
      // Refusing: connections reset, new ones refused.
      const proxy = stack.proxy;
      await outage('refuse', refuseMs, () => proxy.down(), () => proxy.up());
    }
    await sleep(loadMs);
    await load.stop();
    log(`load stopped: ${load.acked.length} txs acknowledged, ${load.failedSends} sends failed (not acknowledged)`);
    const lost = await waitAcked(stack.l2Url, load.acked, 60_000);
    const finalHead = (await l2Head(stack.l2Url)) ?? 0n;
    await waitFor(`the batcher to post up to L2 block ${finalHead}`, 60_000, async () => (await inboxNext()) > finalHead);
    // The proposer posts one output per batch once the batch is on L1.
    let batches = await checkBatches(stack.l1Client, stack.addresses);
    await waitFor('one output per batch', 60_000, async () => {
      batches = await checkBatches(stack.l1Client, stack.addresses);
      return batches.outputs >= batches.batches;
    }).catch((e: Error) => log(e.message));
    // Stop the sequencer cleanly, then replay its chain sequentially from genesis.
    stack.sequencer.proc.kill('SIGTERM');
    await Promise.race([stack.sequencer.exited, sleep(15_000)]);
    await killProc(stack.sequencer);
    const replay = await replaySequential(stack.dataDir, devnetRollupConfig());
    const duplicateBatches = batches.problems.filter((p) => p.includes('duplicate') || p.includes('twice')).length;
    const report: ChaosReport = {
      killsSurvived: recoverMs.length,
      txsAcknowledged: load.acked.length,
      txsLost: lost.length,
      failedSends: load.failedSends,
      duplicateBatches,
      batchProblems: batches.problems,
      batches: batches.batches,
      outputs: batches.outputs,
      l2Head: replay.head,
      replayMismatches: replay.mismatches.length,
      replayedTxs: replay.txs,
      recoverMs,
      blocksLost,
      outages,
      ok: false,
    };
    report.ok =
      report.txsLost === 0 &&
      report.duplicateBatches === 0 &&
      report.batchProblems.length === 0 &&
      report.replayMismatches === 0 &&
      blocksLost.every((b) => b === 0) &&
      report.killsSurvived === rounds &&
      report.replayedTxs >= report.txsAcknowledged;
    if (lost.length > 0) log(`LOST txs: ${lost.slice(0, 10).join(', ')}${lost.length > 10 ? ', ...' : ''}`);
    for (const p of batches.problems) log(`L1 problem: ${p}`);
    for (const m of replay.mismatches.slice(0, 5)) log(`replay mismatch at block ${m.block}: stored ${m.stored}, replayed ${m.replayed}`);
    return report;
  } finally {
    await load.stop();
    try {
      process.kill(stack.l1.pid, 'SIGCONT');
    } catch {
      // gone
    }
    await stack.kill();
  }
}

/** The report as the lines `npm run chaos` prints. */
export function formatReport(r: ChaosReport): string {
  const avg = (xs: number[]) => (xs.length === 0 ? 'n/a' : `${Math.round(xs.reduce((a, b) => a + b, 0) / xs.length)} ms avg, ${Math.max(...xs)} ms max`);
  return [
    '=== parallax chaos report ===',
    `kills survived         ${r.killsSurvived} (kill -9 of the sequencer mid-load, restart on the same data)`,
    `txs acknowledged       ${r.txsAcknowledged} (${r.failedSends} sends refused or unanswered while down)`,
    `txs lost               ${r.txsLost}`,
    `blocks lost on kill    ${r.blocksLost.reduce((a, b) => a + b, 0)}`,
    `duplicate batches      ${r.duplicateBatches} (${r.batches} batches on L1, ${r.outputs} outputs, problems: ${r.batchProblems.length})`,
    `time to recover        ${avg(r.recoverMs)} (SIGKILL -> L2 JSON-RPC answering again)`,
    ...(r.outages.length === 0
      ? ['L1 outage              skipped']
      : r.outages.map((o) => `${`L1 outage (${o.kind})`.padEnd(23)}${o.seconds} s: ${o.l2Blocks} L2 blocks built meanwhile, all on L1 ${o.recoverMs} ms after L1 came back`)),
    `sequential replay      ${r.l2Head} blocks, ${r.replayedTxs} txs, ${r.replayMismatches} state-root mismatches`,
    `result                 ${r.ok ? 'OK' : 'FAILED'}`,
  ].join('\n');
}
