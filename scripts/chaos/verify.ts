/**
 * The chaos drills' checks after the dust settles:
 * - {@link waitAcked}: every acknowledged tx has a receipt (included, or mined from the pending
 *   set after the restart);
 * - {@link replaySequential}: the stored L2 chain, re-executed from genesis with the
 *   **sequential** executor on a fresh in-memory state db, reaches every block's stored state
 *   root (the sequencer stopped first: it reads the data folder's SQLite file);
 * - {@link checkBatches}: the BatchInbox's batches are contiguous from L2 block 1 to its
 *   `nextBlock() - 1`, one batch per range (no duplicate, no gap), and the OutputOracle's outputs
 *   are one per batch index, in order.
 */
import { join } from 'node:path';
import { hexToBytes, parseEventLogs, type Address, type Hex, type PublicClient } from 'viem';
import { makeCommon } from '../../sequencer/chain/common.ts';
import type { RollupConfig } from '../../sequencer/chain/config.ts';
import { childEnv } from '../../sequencer/chain/header.ts';
import { createExecutor } from '../../sequencer/executor/index.ts';
import { batchInboxAbi, outputOracleAbi } from '../../sequencer/l1/contracts.ts';
import { openSqlite } from '../../sequencer/state/kv.ts';
import { StateDb } from '../../sequencer/state/state-db.ts';
import { ChainStore } from '../../sequencer/store/chain-store.ts';
import type { AckedTx } from './load.ts';
import { rpcCall } from './load.ts';

/**
 * Waits until every acked tx has a receipt.
 * @returns the hashes still without one after `timeoutMs` (empty = none lost).
 */
export async function waitAcked(l2Url: string, acked: AckedTx[], timeoutMs: number): Promise<Hex[]> {
  const deadline = Date.now() + timeoutMs;
  let missing = acked.map((a) => a.hash);
  while (missing.length > 0 && Date.now() < deadline) {
    const still: Hex[] = [];
    for (let i = 0; i < missing.length; i += 50) {
      const chunk = missing.slice(i, i + 50);
      const res = await fetch(l2Url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(chunk.map((h, j) => ({ jsonrpc: '2.0', id: j, method: 'eth_getTransactionReceipt', params: [h] }))),
      }).then((r) => r.json() as Promise<Array<{ id: number; result?: unknown }>>).catch(() => undefined);
      if (res === undefined) {
        still.push(...chunk);
        continue;
      }
      for (const r of res) if (r.result == null) still.push(chunk[r.id]!);
    }
    missing = still;
    if (missing.length > 0) await new Promise((r) => setTimeout(r, 300));
  }
  return missing;
}

/** Outcome of {@link replaySequential}. */
export interface ReplayCheck {
  head: bigint;
  txs: number;
  /** Blocks whose replayed state root differs (number, stored, replayed). */
  mismatches: Array<{ block: bigint; stored: Hex; replayed: Hex }>;
}

/**
 * Re-executes blocks 1..head of `DATA_DIR/sequencer.sqlite` sequentially on a fresh in-memory
 * state (genesis applied from `rollup`) and compares every block's state root.
 * The sequencer must not be running (the file is opened for writing by ChainStore's schema step).
 */
export async function replaySequential(dataDir: string, rollup: RollupConfig): Promise<ReplayCheck> {
  const sqlite = openSqlite(join(dataDir, 'sequencer.sqlite'));
  const store = new ChainStore(sqlite);
  const fresh = StateDb.open(':memory:', makeCommon(rollup.chainId));
  const executor = createExecutor({ mode: 'sequential', stateDb: fresh });
  const out: ReplayCheck = { head: store.headNumber(), txs: 0, mismatches: [] };
  try {
    let root = await fresh.applyGenesis(rollup.genesisAlloc);
    const genesis = store.header(0n)!;
    if (root !== genesis.stateRoot) out.mismatches.push({ block: 0n, stored: genesis.stateRoot, replayed: root });
    for (let n = 1n; n <= out.head; n++) {
      const parent = store.header(n - 1n)!;
      const h = store.header(n)!;
      const txs = store.txs(n);
      out.txs += txs.length;
      const env = childEnv(rollup, parent, h.timestamp, store.ancestors(parent.number));
      const r = await executor.executeBlock(root, env, txs.map((t) => hexToBytes(t)));
      if (r.stateRoot !== h.stateRoot) out.mismatches.push({ block: n, stored: h.stateRoot, replayed: r.stateRoot });
      root = r.stateRoot;
    }
  } finally {
    await executor.close();
    fresh.close();
    sqlite.close();
  }
  return out;
}

/** Outcome of {@link checkBatches}. */
export interface BatchCheck {
  batches: number;
  /** The inbox's `nextBlock()`: L2 blocks 1..nextBlock-1 are posted. */
  nextBlock: bigint;
  /** Problems found (empty = contiguous, no duplicate, no gap). */
  problems: string[];
  /** OutputProposed events (one per batch index expected). */
  outputs: number;
}

/** Reads every BatchAppended / OutputProposed since deployment and checks them (see module doc). */
export async function checkBatches(l1: PublicClient, a: { batchInbox: Address; outputOracle: Address; deployedAtBlock: bigint }): Promise<BatchCheck> {
  const abi = batchInboxAbi();
  const logs = await l1.getLogs({ address: a.batchInbox, fromBlock: a.deployedAtBlock, toBlock: 'latest' });
  const evs = (parseEventLogs({ abi, logs, eventName: 'BatchAppended' }) as unknown as Array<{ args: { batchIndex: bigint; firstBlock: bigint; lastBlock: bigint } }>).map((e) => e.args);
  evs.sort((x, y) => (x.batchIndex < y.batchIndex ? -1 : 1));
  const nextBlock = (await l1.readContract({ address: a.batchInbox, abi, functionName: 'nextBlock' })) as bigint;
  const count = (await l1.readContract({ address: a.batchInbox, abi, functionName: 'batchCount' })) as bigint;
  const problems: string[] = [];
  if (BigInt(evs.length) !== count) problems.push(`${evs.length} BatchAppended events but batchCount() = ${count}`);
  let expect = 1n;
  evs.forEach((e, i) => {
    if (e.batchIndex !== BigInt(i)) problems.push(`batch #${i} has index ${e.batchIndex} (duplicate or missing index)`);
    if (e.firstBlock !== expect) problems.push(`batch #${e.batchIndex} starts at L2 block ${e.firstBlock}, expected ${expect} (${e.firstBlock < expect ? 'duplicate' : 'gap'})`);
    if (e.lastBlock < e.firstBlock) problems.push(`batch #${e.batchIndex} has an empty range ${e.firstBlock}..${e.lastBlock}`);
    expect = e.lastBlock + 1n;
  });
  if (expect !== nextBlock) problems.push(`batches end at L2 block ${expect - 1n} but nextBlock() = ${nextBlock}`);

  const oLogs = await l1.getLogs({ address: a.outputOracle, fromBlock: a.deployedAtBlock, toBlock: 'latest' });
  const outs = (parseEventLogs({ abi: outputOracleAbi(), logs: oLogs, eventName: 'OutputProposed' }) as unknown as Array<{ args: { batchIndex: bigint; l2BlockNumber: bigint } }>).map((e) => e.args);
  const seen = new Set<bigint>();
  for (const o of outs) {
    if (seen.has(o.batchIndex)) problems.push(`output for batch #${o.batchIndex} proposed twice`);
    seen.add(o.batchIndex);
    const b = evs[Number(o.batchIndex)];
    if (b === undefined) problems.push(`output for batch #${o.batchIndex}, which is not on L1`);
    else if (b.lastBlock !== o.l2BlockNumber) problems.push(`output #${o.batchIndex} at L2 block ${o.l2BlockNumber}, batch ends at ${b.lastBlock}`);
  }
  for (let i = 0n; i < BigInt(seen.size); i++) if (!seen.has(i)) problems.push(`no output for batch #${i} (gap)`);
  return { batches: evs.length, nextBlock, problems, outputs: outs.length };
}

/** L2 head number via JSON-RPC, or undefined when the node does not answer. */
export async function l2Head(l2Url: string): Promise<bigint | undefined> {
  try {
    return BigInt((await rpcCall(l2Url, 'eth_blockNumber', [], 1000)) as Hex);
  } catch {
    return undefined;
  }
}
