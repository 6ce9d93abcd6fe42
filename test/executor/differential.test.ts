/**
 * Differential fuzz: seeded random blocks (sequencer/vectors/fuzz.ts) executed by the sequential
 * and the parallel executor on two state databases from the same genesis must give the same
 * state root, receipts root, gas used, bloom and receipts, block after block.
 *
 * FUZZ_SEED=S (default: a fixed seed) and FUZZ_BLOCKS=N (default 200) run other/longer workloads:
 *   FUZZ_SEED=7 FUZZ_BLOCKS=5000 node --test test/executor/differential.test.ts
 * A failure prints the seed, the block, the first differing field and both values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTxFromRLP } from '@ethereumjs/tx';
import { makeCommon } from '../../sequencer/chain/common.ts';
import { createExecutor, SequentialExecutor } from '../../sequencer/executor/index.ts';
import { accumulateGas, receiptsRootAndBloom } from '../../sequencer/executor/receipts.ts';
import type { BlockEnv, BlockExecutor, BlockResult, TxReceipt } from '../../sequencer/executor/types.ts';
import type { StateDb } from '../../sequencer/state/state-db.ts';
import {
  assemble,
  FUZZ_CHAIN_ID,
  FUZZ_COINBASE,
  mulberry32,
  runDifferential,
  SCENARIOS,
  ScriptedSource,
  WorkloadGenerator,
  type DifferentialOutcome,
} from '../../sequencer/vectors/fuzz.ts';
import { Account, Address } from '@ethereumjs/util';
import { bytesToHex, hexToBytes, type Hex } from 'viem';

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, not ${v}`);
  return n;
}
const SEED = envInt('FUZZ_SEED', 20_240_601);
const BLOCKS = envInt('FUZZ_BLOCKS', 200);
const WORKERS = 2;

const sequential = (db: StateDb): BlockExecutor => createExecutor({ mode: 'sequential', stateDb: db });

/** Fails with the harness message (seed, block, field, both values) on a mismatch. */
function assertAgree(o: DifferentialOutcome): void {
  if (!o.ok) assert.fail(o.message);
}

/** Executes each block with its txs reordered (per-sender order kept), then puts receipts back in block order. */
class ReorderingExecutor implements BlockExecutor {
  readonly inner: SequentialExecutor;
  constructor(db: StateDb) {
    this.inner = new SequentialExecutor(db);
  }
  async executeBlock(root: Hex, env: BlockEnv, txs: Uint8Array[]): Promise<BlockResult> {
    const common = makeCommon(FUZZ_CHAIN_ID);
    const senders = txs.map((raw) => createTxFromRLP(raw, { common }).getSenderAddress().toString());
    const order = txs.map((_, i) => i).sort((a, b) => (senders[a]! < senders[b]! ? -1 : senders[a]! > senders[b]! ? 1 : a - b));
    const res = await this.inner.executeBlock(root, env, order.map((i) => txs[i]!));
    const receipts: TxReceipt[] = new Array(txs.length);
    order.forEach((orig, k) => (receipts[orig] = { ...res.receipts[k]! }));
    accumulateGas(receipts);
    return { ...res, receipts, ...(await receiptsRootAndBloom(receipts)) };
  }
  async close(): Promise<void> {}
}

/** Sequential, except that block `at` reports one more gas in receipt `tx`. */
function perturbing(at: bigint): (db: StateDb) => BlockExecutor {
  return (db) => {
    const inner = new SequentialExecutor(db);
    return {
      async executeBlock(root, env, txs) {
        const res = await inner.executeBlock(root, env, txs);
        if (env.number === at && res.receipts.length > 0) res.receipts[res.receipts.length - 1]!.gasUsed += 1n;
        return res;
      },
      close: async () => {},
    };
  };
}

/** Sequential, except that after block `at` one wei more sits in `victim`'s account. */
function stateTampering(at: bigint, victim: Hex): (db: StateDb) => BlockExecutor {
  return (db) => {
    const inner = new SequentialExecutor(db);
    return {
      async executeBlock(root, env, txs) {
        const res = await inner.executeBlock(root, env, txs);
        if (env.number !== at) return res;
        const sm = await db.stateManager(res.stateRoot);
        const address = new Address(hexToBytes(victim));
        const acct = (await sm.getAccount(address)) ?? new Account();
        acct.balance += 1n;
        await sm.putAccount(address, acct);
        const stateRoot = bytesToHex(await sm.getStateRoot());
        db.flush();
        return { ...res, stateRoot };
      },
      close: async () => {},
    };
  };
}

describe('fuzz harness', () => {
  it('mulberry32 is deterministic and spread', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
    assert.notDeepEqual(xs.slice(0, 10), Array.from({ length: 10 }, mulberry32(43)));
  });

  it('assembler: push sizes, labels, refs', () => {
    assert.equal(assemble([0, 1, 0x1234, 'ADD']), '0x5f600161123401');
    assert.equal(assemble([{ ref: 'l' }, 'JUMP', { label: 'l' }, 'STOP']), '0x610004565b00');
    assert.throws(() => assemble(['NOPE']));
  });

  it('the same seed generates the same blocks', async () => {
    const g1 = new WorkloadGenerator(5);
    const g2 = new WorkloadGenerator(5);
    for (let i = 0; i < 3; i++) {
      const [a, b] = [await g1.nextBlock(), await g2.nextBlock()];
      assert.deepEqual(a, b);
      g1.commit(`0x${'ab'.repeat(32)}`);
      g2.commit(`0x${'ab'.repeat(32)}`);
    }
  });

  it('sequential vs sequential agree, and the workload is varied', async () => {
    const o = await runDifferential({ seed: SEED, blocks: Math.min(BLOCKS, 60), makeA: sequential, makeB: sequential, labels: ['sequential A', 'sequential B'] });
    assertAgree(o);
    assert.ok(o.ok && o.txs > 300, `txs ${o.ok && o.txs}`);
    assert.ok(o.ok && o.invalidBlocks > 0, 'some blocks are rejected');
  });

  it('detects a perturbed receipt and names seed, block and field', async () => {
    const o = await runDifferential({ seed: SEED, blocks: 10, makeA: sequential, makeB: perturbing(4n) });
    assert.equal(o.ok, false);
    assert.ok(!o.ok);
    assert.equal(o.block, 4n);
    assert.match(o.field, /^receipts\[\d+\]\.gasUsed$/);
    assert.match(o.message, new RegExp(`seed ${SEED}, block 4 `));
  });

  it('on a state root difference, lists the accounts that differ', async () => {
    const o = await runDifferential({ seed: SEED, blocks: 10, makeA: sequential, makeB: stateTampering(3n, FUZZ_COINBASE) });
    assert.ok(!o.ok);
    assert.equal(o.block, 3n);
    assert.equal(o.field, 'stateRoot');
    assert.match(o.message, new RegExp(`state diff[^\\n]*\\n +${FUZZ_COINBASE}: nonce=\\d+ balance=(\\d+) .*\\| nonce=\\d+ balance=\\d+`));
  });

  it('detects an executor that ignores tx order across senders (the workload is order-sensitive)', async () => {
    const o = await runDifferential({ seed: SEED, blocks: 30, makeA: sequential, makeB: (db) => new ReorderingExecutor(db) });
    assert.equal(o.ok, false, 'reordering went unnoticed for 30 blocks');
    assert.ok(!o.ok);
    assert.match(o.field, /^receipts\[|^stateRoot$/, o.message);
  });
});

/** Runs a directed scenario through the differential harness. */
async function scenario(sc: (typeof SCENARIOS)[number], makeB: (db: StateDb) => BlockExecutor): Promise<DifferentialOutcome> {
  return runDifferential({ seed: 0, blocks: 100, genesis: sc.genesis, source: new ScriptedSource(await sc.blocks()), makeA: sequential, makeB });
}

const parallel = (db: StateDb): BlockExecutor =>
  createExecutor({ mode: 'parallel', stateDb: db, workers: WORKERS, onFallback: (e) => assert.fail(`parallel executor fell back to sequential: ${e.message}`) });

describe('parallel executor vs sequential (directed scenarios)', () => {
  it('the scenarios are what they claim (sequential vs sequential)', async () => {
    for (const sc of SCENARIOS) {
      const o = await scenario(sc, sequential);
      assert.ok(o.ok, `${sc.name}: ${o.ok || o.message}`);
      const blocks = await sc.blocks();
      assert.equal(o.blocks + o.invalidBlocks, blocks.length, sc.name);
      assert.equal(o.invalidBlocks, blocks.filter((b) => b.invalid !== undefined).length, sc.name);
    }
  });
  for (const sc of SCENARIOS) {
    it(sc.name, async () => assertAgree(await scenario(sc, parallel)));
  }
});

describe('parallel executor vs sequential (differential fuzz)', () => {
  it('rejected blocks: same tx index and error (40 blocks, half of them invalid)', async () => {
    assertAgree(await runDifferential({ seed: SEED + 1, blocks: 40, workload: { invalidRate: 0.5 }, makeA: sequential, makeB: parallel }));
  });

  it(`seed ${SEED}, ${BLOCKS} blocks, ${WORKERS} workers: identical results`, async (t) => {
    const o = await runDifferential({ seed: SEED, blocks: BLOCKS, makeA: sequential, makeB: parallel });
    assertAgree(o);
    if (o.ok) t.diagnostic(`${o.blocks} blocks, ${o.txs} txs, ${o.invalidBlocks} rejected blocks; parallel: ${o.groups} groups, ${o.reexecuted} re-executed txs`);
  });
});
