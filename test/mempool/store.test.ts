/**
 * SqliteMempoolStore and restart: txs written by one pool are restored by the next one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { type Hex, keccak256 } from 'viem';
import { SqliteMempoolStore } from '../../sequencer/mempool/index.ts';
import { ADDR, FakeState, GWEI, makePool, tx1559 } from './helpers.ts';

describe('SqliteMempoolStore', () => {
  it('puts, lists by arrival and deletes', async () => {
    const db = new Database(':memory:');
    const store = new SqliteMempoolStore(db);
    const raws = [await tx1559({ nonce: 0 }), await tx1559({ nonce: 1 })];
    store.put(keccak256(raws[1]!), raws[1]!, 20);
    store.put(keccak256(raws[0]!), raws[0]!, 10);
    assert.deepEqual(store.all(), [
      { hash: keccak256(raws[0]!), raw: raws[0], arrival: 10 },
      { hash: keccak256(raws[1]!), raw: raws[1], arrival: 20 },
    ]);
    store.delete([keccak256(raws[0]!), keccak256('0x00')]);
    assert.deepEqual(store.all().map((r) => r.arrival), [20]);
    // A second store on the same db sees the same table.
    assert.equal(new SqliteMempoolStore(db).all().length, 1);
    db.close();
  });
});

describe('restart', () => {
  it('restores pending txs in arrival order, dropping those mined meanwhile, without re-writing', async () => {
    const db = new Database(':memory:');
    const state = new FakeState();
    let t = 5_000;
    const first = makePool(state, { store: new SqliteMempoolStore(db), now: () => t++ });
    const a0 = await first.add(await tx1559({ key: 0, nonce: 0 }));
    const a1 = await first.add(await tx1559({ key: 0, nonce: 1, maxPriorityFeePerGas: 2n * GWEI, maxFeePerGas: 5n * GWEI }));
    const b0 = await first.add(await tx1559({ key: 1, nonce: 0 }));
    assert.equal(new SqliteMempoolStore(db).all().length, 3);

    // Meanwhile a block sealed a0 but the process died before removing it from the store.
    state.set(ADDR[0]!, { nonce: 1n });
    const puts: Hex[] = [];
    const store = new SqliteMempoolStore(db);
    const spy = {
      put: (h: Hex, raw: Hex, arrival: number) => { puts.push(h); store.put(h, raw, arrival); },
      delete: (h: Hex[]) => store.delete(h),
      all: () => store.all(),
    };
    const second = makePool(state, { store: spy, now: () => 0 });
    const res = await second.restoreFromStore();
    assert.deepEqual(res, { restored: 2, dropped: [a0.hash] });
    assert.deepEqual(puts, [], 'restore does not write');
    assert.deepEqual(second.pending().map((p) => p.hash), [a1.hash, b0.hash]);
    assert.equal(second.get(a1.hash)?.arrival, first.get(a1.hash)?.arrival);
    assert.equal(second.get(a1.hash)?.maxPriorityFeePerGas, 2n * GWEI);
    assert.deepEqual(store.all().map((r) => r.hash), [a1.hash, b0.hash]);
    // Arrival keys keep increasing after a restore even with a clock behind the stored ones.
    const c0 = await second.add(await tx1559({ key: 2, nonce: 0 }));
    assert.ok(second.get(c0.hash)!.arrival > second.get(b0.hash)!.arrival);
    db.close();
  });

  it('restore() also takes bare raws; duplicates and garbage are dropped', async () => {
    const pool = makePool(new FakeState());
    const raws = [await tx1559({ nonce: 1 }), await tx1559({ nonce: 0 })];
    const res = await pool.restore([...raws, raws[0]!, '0x02c0']);
    assert.equal(res.restored, 2);
    assert.deepEqual(res.dropped, [keccak256('0x02c0')]);
    assert.equal(pool.pendingNonce(ADDR[0]!, 0n), 2n);
  });
});
