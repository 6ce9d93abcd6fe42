/**
 * Gas estimation by binary search over `backend.call`, as go-ethereum's eth/gasestimator does:
 * an upper bound from the request's gas or the block gas limit (capped by what the sender's
 * balance can pay at the given fee cap), a plain-transfer shortcut, a first run at the upper
 * bound to surface reverts, an optimistic guess from the gas used, then bisection until the
 * bracket is within 1.5% of the result.
 */
import type { Hex } from 'viem';
import { ParallaxError } from '../errors.ts';
import type { CallRequest, CallResult, RpcBackend } from './backend.ts';
import { serverError } from './errors.ts';
import { revertError } from './revert.ts';

/** Gas of a plain transfer (params.TxGas). */
export const TX_GAS = 21_000n;
/** 2300 gas stipend given to value-carrying CALLs (params.CallStipend). */
const CALL_STIPEND = 2_300n;
/** Stop bisecting once (hi - lo) / hi < 15 / 1000 (geth estimateGasErrorRatio). */
const ERROR_RATIO_PER_MILLE = 15n;

/** The error eth_call / eth_estimateGas return for a failed run (geth `newRevertError` / vm error). */
export function callFailure(r: CallResult): ParallaxError {
  if (r.returnData !== '0x' && r.returnData.length > 2) return revertError(r.returnData);
  if (r.error === undefined || r.error === 'revert') return serverError('EXECUTION_REVERTED', 'execution reverted');
  return serverError('EXECUTION_FAILED', r.error);
}

const isOutOfGas = (r: CallResult) => r.error !== undefined && /out of gas/i.test(r.error) && r.returnData.length <= 2;

/**
 * Smallest gas limit (within 1.5%) with which `req` succeeds on block `blockNumber`'s state.
 *
 * @param blockGasLimit Gas; the default upper bound.
 * @returns Gas.
 * @throws code 3 "execution reverted: <reason>" (data = revert data) if it reverts even with all
 *   the gas; -32000 "gas required exceeds allowance (N)" if it runs out of gas at the upper bound;
 *   -32000 "insufficient funds for transfer" if value exceeds the sender's balance; -32000 with
 *   the EVM error for other exceptional halts.
 */
export async function estimateGas(backend: RpcBackend, req: CallRequest, blockNumber: bigint, blockGasLimit: bigint): Promise<bigint> {
  let hi = req.gas !== undefined && req.gas >= TX_GAS ? req.gas : blockGasLimit;
  const feeCap = req.gasPrice ?? req.maxFeePerGas ?? 0n;
  if (feeCap > 0n && req.from !== undefined) {
    const { balance } = await backend.getAccount(req.from, blockNumber);
    const value = req.value ?? 0n;
    if (value > balance) throw serverError('INSUFFICIENT_FUNDS', 'insufficient funds for transfer');
    const allowance = (balance - value) / feeCap;
    if (hi > allowance) hi = allowance;
  }
  const run = async (gas: bigint): Promise<CallResult | undefined> => {
    try {
      return await backend.call({ ...req, gas }, blockNumber);
    } catch (e) {
      // Too little gas to even start: a failed trial, not an error (geth: core.ErrIntrinsicGas).
      if (e instanceof Error && /^intrinsic gas too low/.test(e.message)) return undefined;
      throw e;
    }
  };
  const ok = (r: CallResult | undefined) => r !== undefined && r.status === 1;

  // A plain transfer to an account without code costs exactly 21000.
  if ((req.data === undefined || req.data === '0x') && req.to !== undefined && req.to !== null && hi >= TX_GAS) {
    const code: Hex = await backend.getCode(req.to, blockNumber);
    if (code === '0x' && ok(await run(TX_GAS))) return TX_GAS;
  }

  const first = await run(hi);
  if (first === undefined || first.status !== 1) {
    if (first !== undefined && !isOutOfGas(first)) throw callFailure(first);
    throw serverError('GAS_REQUIRED_EXCEEDS_ALLOWANCE', `gas required exceeds allowance (${hi})`);
  }
  let lo = first.gasUsed - 1n;
  if (lo < TX_GAS - 1n) lo = TX_GAS - 1n;
  const optimistic = ((first.gasUsed + CALL_STIPEND) * 64n) / 63n;
  if (optimistic < hi) {
    if (ok(await run(optimistic))) hi = optimistic;
    else lo = optimistic;
  }
  while (lo + 1n < hi) {
    if ((hi - lo) * 1000n < ERROR_RATIO_PER_MILLE * hi) break;
    let mid = (hi + lo) / 2n;
    if (mid > lo * 2n) mid = lo * 2n; // geth: avoid wasting runs far above the used gas
    if (ok(await run(mid))) hi = mid;
    else lo = mid;
  }
  return hi;
}
