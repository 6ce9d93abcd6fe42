import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Address } from 'viem';
import { deriveAccounts, FRESH_ACCOUNTS } from '../../scripts/demo/accounts.ts';
import { getAmountOut, loadUniswapV2 } from '../../scripts/demo/contracts.ts';
import { GAS, loadMix, planLoad } from '../../scripts/demo/load.ts';
import type { Deployment } from '../../scripts/demo/load.ts';

const a = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
const d: Deployment = { tokenA: a(1), tokenB: a(2), factory: a(3), pair: a(4), token0: a(1), token1: a(2) };
const fresh = deriveAccounts(20, FRESH_ACCOUNTS);

describe('getAmountOut', () => {
  it('gives the largest output that passes the pair K check with the 0.3% fee', () => {
    for (const [amountIn, rIn, rOut] of [
      [100n * 10n ** 18n, 10n ** 24n, 10n ** 24n],
      [12345n, 10n ** 6n, 3n * 10n ** 9n],
      [10n ** 20n, 7n * 10n ** 22n, 10n ** 21n],
    ] as const) {
      const out = getAmountOut(amountIn, rIn, rOut);
      // UniswapV2Pair.swap: (balIn*1000 - amountIn*3) * balOut*1000 >= rIn*rOut*1000^2
      const k = (o: bigint) => ((rIn + amountIn) * 1000n - amountIn * 3n) * ((rOut - o) * 1000n) >= rIn * rOut * 1_000_000n;
      assert.ok(k(out), 'computed output passes');
      assert.ok(!k(out + 1n), 'one more unit fails');
    }
  });
  it('refuses a zero input', () => assert.throws(() => getAmountOut(0n, 1n, 1n), RangeError));
});

describe('loadMix / planLoad', () => {
  it('splits exactly n txs with an even number of swap txs', () => {
    for (const n of [1, 7, 40, 400, 1001]) {
      const m = loadMix(n);
      assert.equal(m.eth + m.erc20 + m.hot + m.swap, n);
      assert.equal(m.swap % 2, 0);
    }
  });

  it('builds one lane per account, n txs in all, with disjoint transfer pairs', () => {
    const lanes = planLoad(400, fresh, d, [10n ** 24n, 10n ** 24n]);
    assert.equal(new Set(lanes.map((l) => l.account.address)).size, lanes.length);
    const txs = lanes.flatMap((l) => l.txs.map((t) => ({ ...t, from: l.account.address })));
    assert.equal(txs.length, 400);
    const mix = loadMix(400);
    for (const kind of ['eth', 'erc20', 'hot', 'swap'] as const) assert.equal(txs.filter((t) => t.kind === kind).length, mix[kind]);

    for (const kind of ['eth', 'erc20'] as const) {
      const pairs = new Map<Address, Set<Address>>();
      for (const t of txs.filter((x) => x.kind === kind)) pairs.set(t.from, (pairs.get(t.from) ?? new Set()).add(t.recipient as Address));
      const touched = new Set<Address>();
      for (const [from, tos] of pairs) {
        assert.equal(tos.size, 1, `${kind}: ${from} sends to one recipient`);
        for (const x of [from, ...tos]) {
          assert.ok(!touched.has(x), `${kind}: ${x} is in one pair only`);
          touched.add(x);
        }
      }
    }
    const hotTo = new Set(txs.filter((t) => t.kind === 'hot').map((t) => t.recipient));
    assert.equal(hotTo.size, 1);
    const swapFrom = new Set(txs.filter((t) => t.kind === 'swap').map((t) => t.from));
    assert.equal(swapFrom.size, 1, 'all swaps from one trader');
    assert.ok(txs.filter((t) => t.kind === 'swap' && t.to === d.pair).every((t) => t.gas === GAS.swap));
  });

  it('needs at least 8 fresh accounts', () => assert.throws(() => planLoad(10, fresh.slice(0, 7), d, [1n, 1n]), RangeError));
});

describe('loadUniswapV2', () => {
  it('reads 0x-prefixed creation bytecode from the Waffle JSON', () => {
    const { factory, pair } = loadUniswapV2();
    assert.match(factory.bytecode, /^0x60806040/);
    assert.match(pair.bytecode, /^0x60806040/);
    assert.ok(factory.abi.some((x) => x.type === 'function' && x.name === 'createPair'));
  });
});
