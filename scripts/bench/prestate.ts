/**
 * Builds a workload's pre-state in a SQLite state database, once per workload:
 * 1. genesis: every sender of the plan holds 1 ETH, the deployer 1,000 ETH;
 * 2. one setup block, executed by the sequential executor: the deployer deploys two DemoTokens
 *    (OpenZeppelin ERC-20 compiled by `scripts/demo/compile.ts`) and the Uniswap V2 factory
 *    (`@uniswap/v2-core` build), creates the A/B pair and adds {@link LIQUIDITY} of each token;
 * 3. token balances of the senders, written straight into the tokens' storage
 *    (OpenZeppelin ERC20 `_balances`, storage slot 0: `keccak256(holder . 0)`) and taken off the
 *    deployer's balance, so total supply still equals the sum of balances. Signing and executing
 *    thousands of funding txs would cost more than the benchmark itself.
 */
import { Address as EthAddress, bigIntToBytes, bytesToBigInt, setLengthLeft, unpadBytes } from '@ethereumjs/util';
import { bytesToHex, encodeAbiParameters, encodeDeployData, encodeFunctionData, erc20Abi, hexToBytes, keccak256, parseEventLogs, type Address, type Hex } from 'viem';
import { signTransaction } from 'viem/accounts';
import { makeCommon } from '../../sequencer/chain/common.ts';
import { SequentialExecutor } from '../../sequencer/executor/sequential.ts';
import type { BlockEnv } from '../../sequencer/executor/types.ts';
import { StateDb, type GenesisAlloc } from '../../sequencer/state/state-db.ts';
import { compileDemoToken } from '../demo/compile.ts';
import { loadUniswapV2 } from '../demo/contracts.ts';
import { factoryAbi, GAS, LIQUIDITY, pairAbi, TOKEN_SUPPLY } from '../demo/load.ts';
import { addressOf, BASE_FEE, BENCH_CHAIN_ID, benchDeployment, DEPLOYER_KEY, MAX_FEE, senderKey, TIP, type BenchDeployment, type Plan } from './workloads.ts';

const ETH = 10n ** 18n;
/** Fee recipient of every bench block. */
export const BENCH_COINBASE: Hex = '0x4200000000000000000000000000000000000011';
/** Gas limit of a bench block: the devnet's, or the block's summed tx gas limits if larger. */
export const MIN_BLOCK_GAS_LIMIT = 30_000_000n;

/** The env of bench block `number`; `gasLimit` at least the sum of its txs' gas limits. */
export function benchEnv(number: bigint, txGasSum: bigint): BlockEnv {
  return {
    number,
    timestamp: 1_700_000_000n + number,
    coinbase: BENCH_COINBASE,
    gasLimit: txGasSum > MIN_BLOCK_GAS_LIMIT ? txGasSum : MIN_BLOCK_GAS_LIMIT,
    baseFeePerGas: BASE_FEE,
    prevRandao: keccak256(bigIntToHex32(number)),
    parentHash: keccak256(bigIntToHex32(number - 1n)),
    blockHashes: [],
  };
}

function bigIntToHex32(v: bigint): Hex {
  return bytesToHex(setLengthLeft(bigIntToBytes(v), 32));
}

/** Storage slot of `holder` in an OpenZeppelin ERC20's `_balances` (slot 0). */
export function balanceSlot(holder: Address): Hex {
  return keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [holder, 0n]));
}

/** The setup block's txs (deployer nonces 0..6), EIP-2718 encoded. */
export async function setupTxs(): Promise<{ txs: Uint8Array[]; deployment: BenchDeployment }> {
  const token = compileDemoToken();
  const uni = loadUniswapV2();
  const d = benchDeployment(uni.pair.bytecode);
  const calls: Array<{ to?: Address; data: Hex; gas: bigint }> = [
    { data: encodeDeployData({ abi: token.abi, bytecode: token.bytecode, args: ['Bench A', 'BNA', TOKEN_SUPPLY] }), gas: GAS.deployToken },
    { data: encodeDeployData({ abi: token.abi, bytecode: token.bytecode, args: ['Bench B', 'BNB', TOKEN_SUPPLY] }), gas: GAS.deployToken },
    { data: encodeDeployData({ abi: uni.factory.abi, bytecode: uni.factory.bytecode, args: [d.deployer] }), gas: GAS.deployFactory },
    { to: d.factory, data: encodeFunctionData({ abi: factoryAbi, functionName: 'createPair', args: [d.tokenA, d.tokenB] }), gas: GAS.createPair },
    { to: d.tokenA, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [d.pair, LIQUIDITY] }), gas: GAS.tokenTransfer },
    { to: d.tokenB, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [d.pair, LIQUIDITY] }), gas: GAS.tokenTransfer },
    { to: d.pair, data: encodeFunctionData({ abi: pairAbi, functionName: 'mint', args: [d.deployer] }), gas: GAS.mint },
  ];
  const txs = await Promise.all(
    calls.map(async (c, nonce) =>
      hexToBytes(
        await signTransaction({
          privateKey: DEPLOYER_KEY,
          transaction: { chainId: Number(BENCH_CHAIN_ID), type: 'eip1559', nonce, to: c.to, data: c.data, gas: c.gas, maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: TIP },
        }),
      ),
    ),
  );
  return { txs, deployment: d };
}

/** A built pre-state: its root and the number of the first workload block. */
export interface PreState {
  root: Hex;
  firstBlock: bigint;
  deployment: BenchDeployment;
}

/**
 * Writes `plan`'s pre-state into a new state database at `path` and closes it (so the file can
 * be copied: SQLite checkpoints the WAL on the last close).
 * @throws Error if a setup tx fails, the pair is not where {@link benchDeployment} says, or the
 *   deployer holds too few tokens for the holdings.
 */
export async function buildPreState(path: string, plan: Plan): Promise<PreState> {
  const db = StateDb.open(path, makeCommon(BENCH_CHAIN_ID));
  try {
    const { txs, deployment: d } = await setupTxs();
    const alloc: GenesisAlloc = { [d.deployer]: { balance: 1000n * ETH } };
    for (let i = 0; i < plan.senders; i++) alloc[addressOf(senderKey(i))] = { balance: ETH };
    const genesis = await db.applyGenesis(alloc);

    const setup = await new SequentialExecutor(db).executeBlock(genesis, benchEnv(1n, 0n), txs);
    const failed = setup.receipts.findIndex((r) => r.status !== 1);
    if (failed >= 0) throw new Error(`bench setup: tx ${failed} failed (${setup.receipts[failed]!.returnData})`);
    const [created] = parseEventLogs({ abi: factoryAbi, eventName: 'PairCreated', logs: setup.receipts[3]!.logs as never });
    if (created?.args.pair.toLowerCase() !== d.pair.toLowerCase()) throw new Error(`bench setup: pair at ${created?.args.pair}, expected ${d.pair}`);

    const sm = await db.stateManager(setup.stateRoot);
    const sums = new Map<Address, bigint>();
    for (const h of plan.holdings) {
      const token = new EthAddress(hexToBytes(h.token));
      const slot = hexToBytes(balanceSlot(h.holder));
      const before = bytesToBigInt(await sm.getStorage(token, slot));
      await sm.putStorage(token, slot, unpadBytes(bigIntToBytes(before + h.amount)));
      sums.set(h.token, (sums.get(h.token) ?? 0n) + h.amount);
    }
    for (const [tokenHex, sum] of sums) {
      const token = new EthAddress(hexToBytes(tokenHex));
      const slot = hexToBytes(balanceSlot(d.deployer));
      const have = bytesToBigInt(await sm.getStorage(token, slot));
      if (have < sum) throw new Error(`bench setup: deployer holds ${have} of ${tokenHex}, holdings need ${sum}`);
      await sm.putStorage(token, slot, unpadBytes(bigIntToBytes(have - sum)));
    }
    const root = bytesToHex(await sm.getStateRoot());
    db.flush();
    return { root, firstBlock: 2n, deployment: d };
  } finally {
    db.close();
  }
}
