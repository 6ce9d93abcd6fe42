/**
 * Sequencer rollback and rule D1 replacement (sequencer/node/rollback.ts): the rewritten chain
 * must equal a fresh sequential replay of the same block data (headers, roots, hashes), tampered
 * blocks must be replaced by correct ones, D1 must return the range's txs to the mempool, and an
 * interrupted rewrite must resume when the node opens again.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getContractAddress, hexToBytes, keccak256, parseGwei, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { makeCommon } from '../../sequencer/chain/common.ts';
import { devnetRollupConfig } from '../../sequencer/chain/config.ts';
import { devPrivateKeys } from '../../sequencer/chain/genesis.ts';
import { childEnv, genesisHeader, sealChild, type L2Header } from '../../sequencer/chain/header.ts';
import { emptyBlocks } from '../../sequencer/codec/derive.ts';
import { executeDroppingInvalid } from '../../sequencer/executor/drop-invalid.ts';
import { SequentialExecutor } from '../../sequencer/executor/sequential.ts';
import { planRollback, REPLAY_META_KEY } from '../../sequencer/node/rollback.ts';
import { SequencerNode } from '../../sequencer/node/sequencer-node.ts';
import { StateDb } from '../../sequencer/state/state-db.ts';
import { removeDir, silentLogger, tempDir } from '../helpers/node.ts';

const config = devnetRollupConfig();
const accounts = devPrivateKeys(6).map((k) => privateKeyToAccount(k));
/** runtime: stores BLOCKHASH(NUMBER - 1) in slot 0 on every call (state depends on ancestors). */
const RECORDER_INIT: Hex = '0x6009600c60003960096000f3600143034060005500';
const recorder = getContractAddress({ from: accounts[5]!.address, nonce: 0n });

const dirs: string[] = [];
after(() => dirs.forEach(removeDir));

class Signer {
  private readonly nonces = accounts.map(() => 0);
  async sign(from: number, tx: { to?: Hex; value?: bigint; data?: Hex; gas?: bigint }): Promise<Hex> {
    return accounts[from]!.signTransaction({
      type: 'eip1559',
      chainId: Number(config.chainId),
      nonce: this.nonces[from]!++,
      maxFeePerGas: parseGwei('3'),
      maxPriorityFeePerGas: parseGwei('0.1'),
      gas: tx.gas ?? 21_000n,
      to: tx.to,
      value: tx.value ?? 0n,
      data: tx.data,
    });
  }
}

async function openNode(dir: string, faultBadExecutionBlock?: bigint): Promise<SequencerNode> {
  return SequencerNode.open({ rollup: config, dataDir: dir, executorMode: 'parallel', workers: 2, logger: silentLogger(), faultBadExecutionBlock });
}

/** Builds blocks 1..n: recorder deployment, then transfers (+ a recorder call) per block, 2 s apart. */
async function buildChain(node: SequencerNode, n: number, signer = new Signer()): Promise<void> {
  for (let b = 1; b <= n; b++) {
    const txs = b === 1 ? [await signer.sign(5, { data: RECORDER_INIT, gas: 100_000n })] : [];
    if (b > 1) {
      txs.push(await signer.sign(b % 5, { to: accounts[(b + 1) % 5]!.address, value: 10n ** 15n * BigInt(b) }));
      txs.push(await signer.sign((b + 2) % 5, { to: accounts[b % 5]!.address, value: 7n }));
      txs.push(await signer.sign(5, { to: recorder, gas: 60_000n }));
    }
    for (const t of txs) await node.mempool.add(t);
    const parent = node.store.header(node.store.headNumber())!;
    const h = await node.builder.buildOne(parent.timestamp + 2n);
    assert.ok(h !== undefined, `block ${b} built`);
    assert.equal(node.store.txs(h.number).length, txs.length, `block ${b} holds all its txs`);
  }
}

/** A fresh sequential replay of block data (timestamp + raw txs per block) under D2. */
async function referenceReplay(dir: string, blocks: Array<{ timestamp: bigint; txs: Hex[] }>): Promise<L2Header[]> {
  const stateDb = StateDb.open(join(dir, `ref-${Math.random().toString(16).slice(2)}.sqlite`), makeCommon(config.chainId));
  try {
    const exec = new SequentialExecutor(stateDb);
    const headers = [genesisHeader(config, await stateDb.applyGenesis(config.genesisAlloc))];
    for (const b of blocks) {
      const parent = headers[headers.length - 1]!;
      const env = childEnv(config, parent, b.timestamp, headers.slice(-256).map((h): [bigint, Hex] => [h.number, h.hash]));
      const { result, txs } = await executeDroppingInvalid(exec, parent.stateRoot, env, b.txs.map((t) => hexToBytes(t)));
      headers.push(await sealChild(config, env, txs, result));
    }
    return headers;
  } finally {
    stateDb.close();
  }
}

function chainData(node: SequencerNode): Array<{ timestamp: bigint; txs: Hex[] }> {
  return node.store.blocksAfter(0n).map((b) => ({ timestamp: b.timestamp, txs: b.txs.map((t) => t.raw) }));
}

function headers(node: SequencerNode): L2Header[] {
  const out: L2Header[] = [];
  for (let i = 0n; i <= node.store.headNumber(); i++) out.push(node.store.header(i)!);
  return out;
}

describe('SequencerNode.rollbackTo', () => {
  it('re-executes the blocks after N into exactly the chain a fresh sequential replay computes', async () => {
    const dir = tempDir('px-rollback-');
    dirs.push(dir);
    const node = await openNode(dir);
    try {
      await buildChain(node, 6);
      const before = headers(node);
      const ref = await referenceReplay(dir, chainData(node));
      assert.deepEqual(before.map((h) => h.hash), ref.map((h) => h.hash), 'honest chain = reference');

      const someTx = node.store.txHashes(5n)[0]!;
      const out = await node.rollbackTo(2n);
      assert.equal(out.replayed, 4);
      assert.deepEqual(out.dropped, []);
      assert.deepEqual(out.returned, []);
      assert.equal(node.store.headNumber(), 6n);
      assert.deepEqual(headers(node).map((h) => [h.hash, h.stateRoot]), ref.map((h) => [h.hash, h.stateRoot]));
      assert.equal(node.getReceipt(someTx)?.blockNumber, 5n, 'receipts re-written');
      assert.equal(node.store.getMeta(REPLAY_META_KEY), undefined, 'plan removed');
      assert.equal((await node.rollbackTo(6n)).replayed, 0, 'rollback to the head is a no-op');
      await assert.rejects(node.rollbackTo(7n), /not in the chain/);
    } finally {
      await node.close();
    }
  });

  it('replaces a tampered block (FAULT_BAD_EXECUTION_BLOCK) and its descendants by the correct ones', async () => {
    const dir = tempDir('px-rollback-bad-');
    dirs.push(dir);
    const node = await openNode(dir, 3n);
    try {
      await buildChain(node, 5);
      const ref = await referenceReplay(dir, chainData(node));
      const bad = headers(node);
      assert.equal(bad[2]!.hash, ref[2]!.hash, 'blocks before N are right');
      assert.notEqual(bad[3]!.stateRoot, ref[3]!.stateRoot, 'block N carries a wrong state root');
      assert.notEqual(bad[5]!.stateRoot, ref[5]!.stateRoot, 'later blocks build on it');

      await node.rollbackTo(2n);
      assert.deepEqual(headers(node).map((h) => [h.hash, h.stateRoot]), ref.map((h) => [h.hash, h.stateRoot]));
    } finally {
      await node.close();
    }
  });

  it('resumes an interrupted rollback when the node opens again', async () => {
    const dir = tempDir('px-rollback-crash-');
    dirs.push(dir);
    let node = await openNode(dir);
    let before: L2Header[];
    try {
      await buildChain(node, 5);
      before = headers(node);
      // simulate a crash after the truncation and one re-executed block
      const plan = planRollback(node.store, 1n);
      node.store.truncateAfter(1n, () =>
        node.store.setMeta(
          REPLAY_META_KEY,
          JSON.stringify({
            kind: plan.kind,
            from: plan.from.toString(),
            blocks: plan.blocks.map((b) => ({ number: b.number.toString(), timestamp: b.timestamp.toString(), txs: b.txs })),
            returnToMempool: [],
          }),
        ),
      );
      await node.builder.replayBlock(plan.blocks[0]!.timestamp, plan.blocks[0]!.txs.map((t) => hexToBytes(t)));
      assert.equal(node.store.headNumber(), 2n);
    } finally {
      await node.close();
    }
    node = await openNode(dir);
    try {
      assert.equal(node.store.headNumber(), 5n);
      assert.deepEqual(headers(node).map((h) => h.hash), before.map((h) => h.hash));
      assert.equal(node.store.getMeta(REPLAY_META_KEY), undefined);
    } finally {
      await node.close();
    }
  });
});

describe('SequencerNode.replaceWithEmpty (rule D1)', () => {
  it('empties the range, re-executes later blocks under D2 and returns the txs to the mempool', async () => {
    const dir = tempDir('px-d1-');
    dirs.push(dir);
    const node = await openNode(dir);
    try {
      await buildChain(node, 5);
      const original = chainData(node);
      const rangeTxs = [...node.store.txs(2n), ...node.store.txs(3n)];
      const laterTxs = [...node.store.txs(4n), ...node.store.txs(5n)];

      const out = await node.replaceWithEmpty(2n, 3n);
      assert.ok(out !== undefined);
      const parentTs = node.store.header(1n)!.timestamp;
      assert.deepEqual([node.store.txs(2n), node.store.txs(3n)], [[], []]);
      assert.deepEqual([node.store.header(2n)!.timestamp, node.store.header(3n)!.timestamp], [parentTs + 1n, parentTs + 2n]);

      // what anyone deriving from L1 computes: D1's empty blocks, then the later blocks under D2
      const derived = [original[0]!, ...emptyBlocks(2n, 3n, parentTs).map((b) => ({ timestamp: b.timestamp, txs: [] as Hex[] })), original[3]!, original[4]!];
      const ref = await referenceReplay(dir, derived);
      assert.deepEqual(headers(node).map((h) => h.hash), ref.map((h) => h.hash));

      // later txs of the range's senders have a nonce gap now: dropped (D2) and returned
      const inChain = new Set([...node.store.txHashes(4n), ...node.store.txHashes(5n)]);
      const droppedLater = laterTxs.filter((t) => !inChain.has(keccak256(t)));
      assert.ok(droppedLater.length > 0, 'some later tx depends on a range tx');
      assert.deepEqual(out.dropped.map((d) => d.hash).sort(), droppedLater.map((t) => keccak256(t)).sort());
      for (const t of [...rangeTxs, ...droppedLater]) assert.ok(node.mempool.has(keccak256(t)), `tx ${keccak256(t)} back in the mempool`);
      assert.deepEqual(out.refused, []);

      assert.equal(await node.replaceWithEmpty(2n, 3n), undefined, 'already D1: no-op');
      await assert.rejects(node.replaceWithEmpty(0n, 1n), /not within/);

      // the returned txs are included again
      const head = node.store.header(node.store.headNumber())!;
      await node.builder.buildOne(head.timestamp + 2n);
      for (const t of [...rangeTxs, ...droppedLater]) assert.ok(node.store.getTx(keccak256(t)) !== undefined, 'included again');
    } finally {
      await node.close();
    }
  });
});
