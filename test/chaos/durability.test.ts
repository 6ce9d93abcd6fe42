/**
 * The short CI version of `npm run chaos` (scripts/chaos/run.ts): an L1 + contracts + sequencer
 * process on private ports under a viem load; the sequencer is `kill -9`ed mid-load and
 * restarted on the same DATA_DIR, then L1 is frozen (SIGSTOP) and then made to refuse
 * connections (a proxy resets them and stops listening) for a few seconds each.
 *
 * Asserted: every tx whose eth_sendRawTransaction returned a hash gets a receipt; no sealed block
 * is lost by the kill; a sequential replay of the stored chain from genesis reaches every block's
 * state root; L1's batches are contiguous from L2 block 1 to the inbox's nextBlock - 1 (no
 * duplicate, no gap), one output per batch; the batcher posts what was built during each outage
 * once L1 is back.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { formatReport, runChaos, type ChaosReport } from '../../scripts/chaos/run.ts';
import { removeDir, tempDir } from '../helpers/node.ts';

const PORTS = { l1: 18845, l2: 19845, l1Proxy: 18846 };

describe('chaos drill: kill -9 of the sequencer and L1 outages under load', () => {
  const dir = tempDir('px-chaos-test-');
  let r: ChaosReport;
  after(() => removeDir(dir));

  it('runs the drill', { timeout: 150_000 }, async () => {
    r = await runChaos({ workDir: dir, ports: PORTS, rounds: 1, loadS: 2, outageS: 6, refuseS: 6, log: (l) => console.log(`[chaos] ${l}`) });
    console.log(formatReport(r));
  });

  it('loses no acknowledged tx and no sealed block', () => {
    assert.equal(r.killsSurvived, 1);
    assert.ok(r.txsAcknowledged > 0, 'the load got txs acknowledged');
    assert.equal(r.txsLost, 0);
    assert.deepEqual(r.blocksLost, [0]);
    assert.ok(r.replayedTxs >= r.txsAcknowledged, `${r.replayedTxs} txs in the chain, ${r.txsAcknowledged} acknowledged`);
  });

  it('stores a chain that a sequential replay from genesis reproduces', () => {
    assert.ok(r.l2Head > 0n);
    assert.equal(r.replayMismatches, 0);
  });

  it('posts every L2 block to L1 exactly once, one output per batch', () => {
    assert.deepEqual(r.batchProblems, []);
    assert.equal(r.duplicateBatches, 0);
    assert.ok(r.batches > 0);
    assert.equal(r.outputs, r.batches);
  });

  it('catches up after a frozen and after a refusing L1', () => {
    assert.deepEqual(r.outages.map((o) => o.kind), ['freeze', 'refuse']);
    assert.ok(r.ok);
  });
});
