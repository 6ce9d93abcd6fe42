/**
 * The whole devnet end to end, as a user runs it: `scripts/devnet.ts --fresh` (Hardhat L1,
 * contracts, sequencer, challenger as child processes) on non-default ports and a temp
 * DATA_DIR, the demo's load (`scripts/demo.ts --txs 120 --json`) against it, then Ctrl-C.
 *
 * 1. honest: every demo tx succeeds, batches reach L1 and the challenger agrees with every one;
 *    SIGINT stops the devnet with exit code 0 and leaves no process or port behind.
 * 2. fault drill (`FAULT_BAD_ROOT_BATCH=1`): the proposer posts a wrong output for batch 1; the
 *    challenger disagrees with batch 1 only and challenges it on L1 (one OutputChallenged event).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { devAccount, removeDir, tempDir } from '../helpers/node.ts';
import {
  challengerStatus,
  interruptDevnet,
  outputChallengedEvents,
  portsFree,
  runDemo,
  startDevnet,
  type Devnet,
  type DemoJson,
  type Verdict,
} from '../helpers/devnet.ts';
import { groupAlive, waitUntil } from '../helpers/process.ts';

const PORTS = { l1: 18545, l2: 19545, challenger: 19546, prover: 19547 };
const FAST = { L2_BLOCK_TIME_MS: '250', BATCH_INTERVAL_MS: '500', PROPOSE_INTERVAL_MS: '500' };
const TXS = 120;

const work = tempDir('px-e2e-devnet-');
const devnets: Devnet[] = [];
after(async () => {
  // Whatever happened, nothing of a devnet may outlive the tests.
  for (const d of devnets) await d.kill();
  if (process.env.KEEP_E2E_LOGS === undefined) removeDir(work);
  else console.log(`e2e logs kept in ${work}`);
});

async function start(name: string, extraEnv: Record<string, string>): Promise<Devnet> {
  const d = await startDevnet({ workDir: join(work, name), ports: PORTS, extraEnv: { ...FAST, ...extraEnv } });
  devnets.push(d);
  return d;
}

/** Asserts the demo's load went through completely. */
function assertLoadOk(json: DemoJson, output: string): void {
  assert.equal(json.l2ChainId, 901);
  assert.equal(json.txsRequested, TXS);
  assert.deepEqual(json.failures, [], output.slice(-3000));
  assert.deepEqual(json.failed, {});
  assert.equal(json.load.txs, TXS);
  assert.equal(json.load.ok, TXS);
  assert.ok(json.load.blocks >= 1);
  assert.equal(json.execution.available, true);
}

/** SIGINT like Ctrl-C; exit 0 within 20 s, then no process of the group and no port left. */
async function interruptAndCheck(d: Devnet): Promise<void> {
  const code = await interruptDevnet(d, 20_000);
  assert.equal(code, 0, `devnet exit after SIGINT (undefined = still running after 20 s)\n${d.child.tail()}`);
  await waitUntil(() => !groupAlive(d.child.pid), { timeoutMs: 5000, intervalMs: 100, what: 'no devnet process left' });
  assert.equal(await portsFree(d.ports), true, 'L1, L2, challenger and prover ports are free again');
}

describe('devnet end to end', { concurrency: 1 }, () => {
  it('honest devnet: demo load succeeds, every batch verdict agrees, Ctrl-C stops everything', { timeout: 150_000 }, async (t) => {
    const d = await start('honest', {});
    t.after(() => d.kill());

    const demo = await runDemo(d, { txs: TXS, name: 'demo-honest', timeoutMs: 90_000 });
    assert.equal(demo.code, 0, `demo exit code\n${demo.output.slice(-4000)}`);
    assert.ok(demo.json, 'demo wrote its --json file');
    const json = demo.json;
    assertLoadOk(json, demo.output);
    assert.equal(json.ok, true);
    assert.equal(json.l1.checked, true);
    if (json.l1.checked) {
      assert.equal(json.l1.error, undefined);
      assert.ok(json.l1.batches.length >= 1, 'at least one batch on L1');
      assert.deepEqual(
        json.l1.verdicts.map((v) => v.batchIndex).sort((a, b) => a - b),
        json.l1.batches.map((b) => b.batchIndex).sort((a, b) => a - b),
        'a verdict for every batch',
      );
      for (const v of json.l1.verdicts) assert.equal(v.verdict, 'agree', `batch ${v.batchIndex}`);
    }
    // The challenger itself says so, and nobody challenged anything on L1.
    const status = await challengerStatus(d);
    assert.ok(status.verdicts.length >= 1);
    for (const v of status.verdicts) assert.notEqual(v.verdict, 'disagree', `batch ${v.batchIndex}`);
    assert.deepEqual(await outputChallengedEvents(d), []);

    await interruptAndCheck(d);
  });

  it('fault drill: a wrong output for batch 1 is disputed and challenged on L1, batch 1 only', { timeout: 150_000 }, async (t) => {
    const d = await start('fault', { FAULT_BAD_ROOT_BATCH: '1' });
    t.after(() => d.kill());

    const demo = await runDemo(d, { txs: TXS, name: 'demo-fault', timeoutMs: 90_000 });
    // The demo fails on the "disagree" verdict (that is the point of the drill), not on its load.
    assert.equal(demo.code, 1, `demo exit code\n${demo.output.slice(-4000)}`);
    assert.ok(demo.json, 'demo wrote its --json file');
    assertLoadOk(demo.json, demo.output);
    assert.equal(demo.json.ok, false);
    assert.equal(demo.json.l1.checked, true);
    if (demo.json.l1.checked) {
      assert.ok(demo.json.l1.batches.some((b) => b.batchIndex === 1), 'the demo covers batch 1');
      assert.equal(demo.json.l1.error, undefined, 'the demo got a final verdict for every batch');
      assert.deepEqual(
        demo.json.l1.verdicts.map((v) => v.batchIndex).sort((a, b) => a - b),
        demo.json.l1.batches.map((b) => b.batchIndex).sort((a, b) => a - b),
      );
      for (const v of demo.json.l1.verdicts) assert.equal(v.verdict, v.batchIndex === 1 ? 'disagree' : 'agree', `demo verdict of batch ${v.batchIndex}`);
    }

    // Challenger: batch 1 "disagree" (and challenged), every other batch "agree".
    let verdicts: Verdict[] = [];
    await waitUntil(
      async () => {
        verdicts = (await challengerStatus(d)).verdicts;
        const one = verdicts.find((v) => v.batchIndex === 1);
        return one?.verdict === 'disagree' && one.challengeTx !== undefined && verdicts.length >= 2 && verdicts.every((v) => v.verdict !== 'pending');
      },
      { timeoutMs: 30_000, intervalMs: 300, what: 'batch 1 disagreed and challenged, all others judged' },
    ).catch((e: Error) => assert.fail(`${e.message}; last verdicts ${JSON.stringify(verdicts)}`));
    for (const v of verdicts) {
      assert.equal(v.verdict, v.batchIndex === 1 ? 'disagree' : 'agree', `challenger verdict of batch ${v.batchIndex}`);
      if (v.batchIndex !== 1) assert.equal(v.challengeTx, undefined, `batch ${v.batchIndex} not challenged`);
    }
    const one = verdicts.find((v) => v.batchIndex === 1)!;
    assert.notEqual(one.postedOutputRoot, one.computedOutputRoot);

    // L1: exactly one OutputChallenged, for batch 1, by the challenger's key (L1 dev account #3).
    const events = await outputChallengedEvents(d);
    assert.equal(events.length, 1, JSON.stringify(events, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
    assert.equal(events[0]!.batchIndex, 1n);
    assert.equal(events[0]!.challenger.toLowerCase(), devAccount(3).address.toLowerCase());
    assert.equal(events[0]!.transactionHash, one.challengeTx);

    await interruptAndCheck(d);
  });
});
