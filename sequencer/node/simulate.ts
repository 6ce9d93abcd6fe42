/**
 * eth_call / eth_estimateGas simulation: runs a call as a transaction from `from` on top of a
 * block's post-state, in the env of the next block, and throws the state away.
 *
 * Like geth: no signature is needed; when no fee fields are given the base fee is taken as 0 so
 * a call with gas price 0 is valid; the gas cap is the block gas limit; nonce and balance-for-gas
 * checks are skipped (value transfers still need the balance).
 */
import { createFeeMarket1559Tx, createLegacyTx, type TypedTransaction } from '@ethereumjs/tx';
import { Address } from '@ethereumjs/util';
import { runTx } from '@ethereumjs/vm';
import { bytesToHex, hexToBytes, type Hex } from 'viem';
import { childEnv, type L2Header } from '../chain/header.ts';
import type { RollupConfig } from '../chain/config.ts';
import { ParallaxError } from '../errors.ts';
import { shortMessage } from '../executor/decode.ts';
import { envToBlock, makeVm } from '../executor/env.ts';
import type { StateDb } from '../state/state-db.ts';
import type { CallRequest, CallResult } from '../rpc/backend.ts';

/** Throwaway key used only to give simulated txs a hash; the sender is overridden. */
const SIM_KEY = hexToBytes('0x0000000000000000000000000000000000000000000000000000000000000001');
const ZERO_ADDRESS: Hex = '0x0000000000000000000000000000000000000000';

/**
 * @throws ParallaxError `INTRINSIC_GAS` ("intrinsic gas too low: gas X, minimum needed Y"),
 *   `CALL_FAILED` for anything else that stops the tx before execution (e.g. insufficient funds
 *   for the value).
 */
export async function simulateCall(
  stateDb: StateDb,
  config: RollupConfig,
  parent: L2Header,
  ancestors: Array<[bigint, Hex]>,
  req: CallRequest,
): Promise<CallResult> {
  const common = stateDb.common;
  const env = childEnv(config, parent, parent.timestamp + 1n, ancestors);
  const hasFees = req.gasPrice !== undefined || req.maxFeePerGas !== undefined || req.maxPriorityFeePerGas !== undefined;
  if (!hasFees) env.baseFeePerGas = 0n;
  const sm = await stateDb.stateManager(parent.stateRoot);
  const from = new Address(hexToBytes(req.from ?? ZERO_ADDRESS));
  const sender = await sm.getAccount(from);
  const nonce = req.nonce ?? sender?.nonce ?? 0n;
  // without fee fields gas is free (balance checks for gas are skipped), but the value must be covered
  if (!hasFees && (req.value ?? 0n) > (sender?.balance ?? 0n)) {
    throw new ParallaxError('CALL_FAILED', 'insufficient funds for gas * price + value');
  }
  const base = {
    nonce,
    gasLimit: req.gas ?? config.gasLimit,
    to: req.to ?? undefined,
    value: req.value ?? 0n,
    data: req.data ?? '0x',
  };
  let tx: TypedTransaction =
    req.maxFeePerGas !== undefined || req.maxPriorityFeePerGas !== undefined
      ? createFeeMarket1559Tx(
          {
            ...base,
            maxFeePerGas: req.maxFeePerGas ?? env.baseFeePerGas + (req.maxPriorityFeePerGas ?? 0n),
            maxPriorityFeePerGas: req.maxPriorityFeePerGas ?? 0n,
            accessList: req.accessList ?? [],
          },
          { common },
        )
      : createLegacyTx({ ...base, gasPrice: req.gasPrice ?? 0n }, { common });
  // ethereumjs txs are frozen: impersonate the sender through a proxy.
  const signed = tx.sign(SIM_KEY);
  tx = new Proxy(signed, {
    get(target, prop) {
      if (prop === 'getSenderAddress') return () => from;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  const intrinsic = tx.getIntrinsicGas();
  if (tx.gasLimit < intrinsic) {
    throw new ParallaxError('INTRINSIC_GAS', `intrinsic gas too low: gas ${tx.gasLimit}, minimum needed ${intrinsic}`);
  }
  const vm = await makeVm(common, sm, env);
  try {
    const res = await runTx(vm, {
      tx,
      block: envToBlock(env, common),
      skipNonce: true,
      skipBalance: !hasFees,
      skipBlockGasLimitValidation: true,
      skipHardForkValidation: true,
    });
    const err = res.execResult.exceptionError;
    return {
      status: err === undefined ? 1 : 0,
      gasUsed: res.totalGasSpent,
      returnData: bytesToHex(res.execResult.returnValue),
      error: err?.error,
    };
  } catch (err) {
    const msg = shortMessage(err);
    throw new ParallaxError('CALL_FAILED', /balance|enough funds/i.test(msg) ? 'insufficient funds for gas * price + value' : msg);
  }
}
