/**
 * What the demo sends: the setup (two DemoTokens, a Uniswap V2 factory, one pair with liquidity,
 * funded fresh accounts) and the mixed load.
 *
 * The load mixes four kinds, chosen to show a parallel executor both easy and hard cases:
 * - `eth`: ETH transfers, each sender paired with its own recipient (pairs are disjoint);
 * - `erc20`: token transfers between disjoint pairs (distinct balance slots);
 * - `hot`: ETH and token transfers from several senders into one hot account (all conflict);
 * - `swap`: swaps on the one pair (token transfer into the pair, then `swap`), all conflicting.
 *
 * All swaps come from one trader account: a Uniswap V2 `swap` takes as input whatever the pair
 * holds above its reserves, so a second trader's transfer landing between another trader's
 * transfer and swap would be absorbed by the wrong swap and make the next one revert. With one
 * trader, nonce order fixes the order and the amounts are computed in advance with x*y=k.
 */
import { erc20Abi, parseAbi, parseEther, parseEventLogs } from 'viem';
import type { Address, Hex, LocalAccount, PublicClient } from 'viem';
import type { CompiledContract } from './compile.ts';
import { getAmountOut } from './contracts.ts';
import { assertAllOk } from './send.ts';
import type { Lane, RunResult, Sender, TxKind, TxRecord, TxSpec } from './send.ts';

/**
 * Gas limits (gas), ~1.4-1.6x what Hardhat measured (token deploy 545k, factory 3.05M,
 * createPair 2.52M, first mint 155k, token transfer 51.6k to a new holder, swap 108k).
 */
export const GAS = {
  deployToken: 850_000n,
  deployFactory: 4_500_000n,
  createPair: 3_500_000n,
  mint: 250_000n,
  ethTransfer: 21_000n,
  tokenTransfer: 80_000n,
  swap: 150_000n,
} as const;

const TOKEN = 10n ** 18n;
/** Each DemoToken's supply, minted to the deployer (base units). */
export const TOKEN_SUPPLY = 1_000_000_000n * TOKEN;
/** Liquidity added to the pair, per token. */
export const LIQUIDITY = 1_000_000n * TOKEN;
/** Tokens of each kind and ETH given to each fresh account. */
export const FUND_TOKENS = 10_000n * TOKEN;
export const FUND_ETH = parseEther('100');

export const pairAbi = parseAbi([
  'function mint(address to) returns (uint256 liquidity)',
  'function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes data)',
  'function getReserves() view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast)',
]);
export const factoryAbi = parseAbi([
  'function createPair(address tokenA, address tokenB) returns (address pair)',
  'event PairCreated(address indexed token0, address indexed token1, address pair, uint256 allPairsLength)',
]);

/** Addresses of what the setup deployed; `token0 < token1` as the pair orders them. */
export interface Deployment {
  tokenA: Address;
  tokenB: Address;
  factory: Address;
  pair: Address;
  token0: Address;
  token1: Address;
}

function ethTransfer(kind: TxKind, label: string, to: Address, value: bigint): TxSpec {
  return { kind, label, to, recipient: to, gas: GAS.ethTransfer, send: (w, o) => w.sendTransaction({ ...o, to, value }) };
}

function tokenTransfer(kind: TxKind, label: string, token: Address, to: Address, amount: bigint): TxSpec {
  return {
    kind,
    label,
    to: token,
    recipient: to,
    gas: GAS.tokenTransfer,
    send: (w, o) => w.writeContract({ ...o, address: token, abi: erc20Abi, functionName: 'transfer', args: [to, amount] }),
  };
}

function deployTx(label: string, c: CompiledContract, args: readonly unknown[], gas: bigint): TxSpec {
  return { kind: 'deploy', label, to: null, gas, send: (w, o) => w.deployContract({ ...o, abi: c.abi, bytecode: c.bytecode, args }) };
}

/**
 * Deploys two DemoTokens and the Uniswap V2 factory from `deployer`, then creates the pair.
 * Two rounds of blocks (the pair needs the factory's receipt).
 * @throws Error if any setup transaction fails.
 */
export async function deployContracts(
  sender: Sender,
  deployer: LocalAccount,
  token: CompiledContract,
  factory: CompiledContract,
): Promise<{ deployment: Deployment; records: TxRecord[] }> {
  const r1 = await sender.run([
    {
      account: deployer,
      txs: [
        deployTx('deploy DemoToken A', token, ['Demo A', 'DMA', TOKEN_SUPPLY], GAS.deployToken),
        deployTx('deploy DemoToken B', token, ['Demo B', 'DMB', TOKEN_SUPPLY], GAS.deployToken),
        deployTx('deploy UniswapV2Factory', factory, [deployer.address], GAS.deployFactory),
      ],
    },
  ]);
  assertAllOk('deploy', r1.records);
  const [tokenA, tokenB, factoryAddr] = r1.records.map((r) => r.receipt?.contractAddress as Address);
  if (!tokenA || !tokenB || !factoryAddr) throw new Error('deploy: a receipt has no contractAddress');

  const r2 = await sender.run([
    {
      account: deployer,
      txs: [
        {
          kind: 'setup',
          label: 'createPair',
          to: factoryAddr,
          gas: GAS.createPair,
          send: (w, o) => w.writeContract({ ...o, address: factoryAddr, abi: factoryAbi, functionName: 'createPair', args: [tokenA, tokenB] }),
        },
      ],
    },
  ]);
  assertAllOk('createPair', r2.records);
  const [created] = parseEventLogs({ abi: factoryAbi, eventName: 'PairCreated', logs: r2.records[0]?.receipt?.logs ?? [] });
  if (!created) throw new Error('createPair: no PairCreated log in the receipt');
  const { token0, token1, pair } = created.args;
  return {
    deployment: { tokenA, tokenB, factory: factoryAddr, pair, token0, token1 },
    records: [...r1.records, ...r2.records],
  };
}

/**
 * Adds liquidity (both tokens transferred to the pair, then `mint` to the deployer) and funds
 * every fresh account with {@link FUND_ETH} (from the dev accounts other than the deployer) and
 * {@link FUND_TOKENS} of each token (from the deployer).
 * @returns The pair's reserves after the mint, as `[reserve0, reserve1]`.
 * @throws Error if any of these transactions fails.
 */
export async function fundAndAddLiquidity(
  sender: Sender,
  client: PublicClient,
  deployer: LocalAccount,
  funders: LocalAccount[],
  fresh: LocalAccount[],
  d: Deployment,
): Promise<{ reserves: [bigint, bigint]; records: TxRecord[] }> {
  const deployerTxs: TxSpec[] = [
    tokenTransfer('setup', 'liquidity A', d.tokenA, d.pair, LIQUIDITY),
    tokenTransfer('setup', 'liquidity B', d.tokenB, d.pair, LIQUIDITY),
    {
      kind: 'setup',
      label: 'mint LP',
      to: d.pair,
      gas: GAS.mint,
      send: (w, o) => w.writeContract({ ...o, address: d.pair, abi: pairAbi, functionName: 'mint', args: [deployer.address] }),
    },
  ];
  for (const a of fresh) {
    deployerTxs.push(tokenTransfer('fund', `fund ${a.address} A`, d.tokenA, a.address, FUND_TOKENS));
    deployerTxs.push(tokenTransfer('fund', `fund ${a.address} B`, d.tokenB, a.address, FUND_TOKENS));
  }
  const lanes: Lane[] = [{ account: deployer, txs: deployerTxs }];
  const funderTxs = funders.map((): TxSpec[] => []);
  fresh.forEach((a, i) => funderTxs[i % funders.length]?.push(ethTransfer('fund', `fund ${a.address} ETH`, a.address, FUND_ETH)));
  funders.forEach((f, i) => {
    const txs = funderTxs[i] ?? [];
    if (txs.length > 0) lanes.push({ account: f, txs });
  });
  const r = await sender.run(lanes);
  assertAllOk('fund', r.records);
  const [reserve0, reserve1] = await client.readContract({ address: d.pair, abi: pairAbi, functionName: 'getReserves' });
  return { reserves: [reserve0, reserve1], records: r.records };
}

/** How many transactions of each kind a load of `n` holds (15% swaps, 15% hot, rest half/half). */
export function loadMix(n: number): Record<'eth' | 'erc20' | 'hot' | 'swap', number> {
  const swap = 2 * Math.round((n * 0.15) / 2);
  const hot = Math.round(n * 0.15);
  const erc20 = Math.floor((n - swap - hot) / 2);
  return { eth: n - swap - hot - erc20, erc20, hot, swap };
}

/**
 * Builds the lanes of a load of `n` transactions over the fresh accounts (at least 8):
 * `fresh[0]` trades, `fresh[1]` is the hot account, the next 6 send into it, and the rest are
 * split into disjoint sender/recipient pairs, half for ETH, half for token transfers.
 *
 * Swap amounts are computed from `reserves` with {@link getAmountOut}, assuming nothing else
 * moves the pair's balances (true: only the trader touches it during the load).
 * @throws RangeError if fewer than 8 fresh accounts are given.
 */
export function planLoad(n: number, fresh: LocalAccount[], d: Deployment, reserves: [bigint, bigint]): Lane[] {
  if (fresh.length < 8) throw new RangeError('planLoad: need at least 8 fresh accounts');
  const [trader, hot, ...rest] = fresh as [LocalAccount, LocalAccount, ...LocalAccount[]];
  const hotSenders = rest.splice(0, 6);
  const ethAccounts = rest.splice(0, 2 * Math.max(1, Math.floor(rest.length / 4)));
  const ercAccounts = rest.length >= 2 ? rest : ethAccounts;
  const pairsOf = (accts: LocalAccount[]) =>
    Array.from({ length: Math.floor(accts.length / 2) }, (_, i) => [accts[2 * i], accts[2 * i + 1]] as [LocalAccount, LocalAccount]);
  const ethPairs = pairsOf(ethAccounts);
  const ercPairs = ercAccounts === ethAccounts ? ethPairs : pairsOf(ercAccounts);

  const byAccount = new Map<LocalAccount, TxSpec[]>();
  const add = (a: LocalAccount, t: TxSpec) => {
    const l = byAccount.get(a) ?? [];
    l.push(t);
    byAccount.set(a, l);
  };
  const mix = loadMix(n);
  for (let k = 0; k < mix.eth; k++) {
    const [from, to] = ethPairs[k % ethPairs.length] as [LocalAccount, LocalAccount];
    add(from, ethTransfer('eth', `eth #${k}`, to.address, 10n ** 12n + BigInt(k)));
  }
  for (let k = 0; k < mix.erc20; k++) {
    const p = k % ercPairs.length;
    const [from, to] = ercPairs[p] as [LocalAccount, LocalAccount];
    add(from, tokenTransfer('erc20', `erc20 #${k}`, p % 2 === 0 ? d.tokenA : d.tokenB, to.address, TOKEN + BigInt(k)));
  }
  for (let k = 0; k < mix.hot; k++) {
    const from = hotSenders[k % hotSenders.length] as LocalAccount;
    add(
      from,
      k % 2 === 0
        ? ethTransfer('hot', `hot eth #${k}`, hot.address, 10n ** 12n + BigInt(k))
        : tokenTransfer('hot', `hot token #${k}`, d.tokenB, hot.address, TOKEN + BigInt(k)),
    );
  }
  let [r0, r1] = reserves;
  for (let k = 0; k < mix.swap / 2; k++) {
    const zeroForOne = k % 2 === 0; // sell token0 for token1, then the other way
    const amountIn = 100n * TOKEN + BigInt(k);
    const out = zeroForOne ? getAmountOut(amountIn, r0, r1) : getAmountOut(amountIn, r1, r0);
    if (zeroForOne) [r0, r1] = [r0 + amountIn, r1 - out];
    else [r0, r1] = [r0 - out, r1 + amountIn];
    const args = [zeroForOne ? 0n : out, zeroForOne ? out : 0n, trader.address, '0x' as Hex] as const;
    add(trader, tokenTransfer('swap', `swap #${k} transfer in`, zeroForOne ? d.token0 : d.token1, d.pair, amountIn));
    add(trader, {
      kind: 'swap',
      label: `swap #${k}`,
      to: d.pair,
      gas: GAS.swap,
      send: (w, o) => w.writeContract({ ...o, address: d.pair, abi: pairAbi, functionName: 'swap', args }),
    });
  }
  return [...byAccount].map(([account, txs]) => ({ account, txs }));
}

/** Runs the load; see {@link planLoad}. */
export function runLoad(sender: Sender, lanes: Lane[]): Promise<RunResult> {
  return sender.run(lanes);
}
