/**
 * Transaction validation in go-ethereum's order (core/txpool/validation.go `ValidateTransaction`
 * and `ValidateTransactionWithState`), with geth's messages.
 *
 * Stateless part: EIP-155 protection, init code size (EIP-3860), block gas limit, fee sanity,
 * chain id and signature (sender recovery through @ethereumjs/tx with the native-ecrecover
 * Common), nonce limit (EIP-2681), intrinsic gas (EIP-2028 calldata, EIP-2930 access lists,
 * EIP-3860 init code words) and minimum fees. Stateful part: nonce and balance.
 */
import type { Common } from '@ethereumjs/common';
import { createTxFromRLP } from '@ethereumjs/tx';
import type { Hex } from 'viem';
import type { DecodedTx } from './decode.ts';
import {
  costOverflow,
  feeCapUnderpriced,
  feeCapVeryHigh,
  floorDataGas,
  gasLimitExceeded,
  insufficientFunds,
  insufficientFundsBumped,
  insufficientFundsQueued,
  intrinsicGas,
  invalidChainId,
  invalidSender,
  maxInitCodeSize,
  nonceMax,
  nonceTooHigh,
  nonceTooLow,
  tipAboveFeeCap,
  tipUnderpriced,
  tipVeryHigh,
  unprotected,
} from './errors.ts';

/** EIP-3860 limit on init code, bytes (2 * 24576). */
export const MAX_INITCODE_SIZE = 49_152;
const MAX_UINT256 = (1n << 256n) - 1n;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** A decoded tx whose signature and stateless rules have been checked. */
export interface ValidTx extends DecodedTx {
  /** Recovered sender, lower-case. */
  from: Hex;
  /** Gas. */
  intrinsicGas: bigint;
  /** Upper bound of what the tx can spend: gasLimit * maxFeePerGas + value (wei). */
  cost: bigint;
}

export interface StatelessRules {
  chainId: bigint;
  /** Gas. */
  blockGasLimit: bigint;
  /** Minimum maxFeePerGas, wei per gas (at least 1). */
  minFeeCap: bigint;
  /** Minimum maxPriorityFeePerGas, wei per gas. */
  minTip: bigint;
  common: Common;
}

/**
 * Stateless validation plus sender recovery. Intrinsic gas follows `rules.common`'s hardfork;
 * from Prague on, the EIP-7623 calldata floor is enforced too.
 *
 * @throws ParallaxError (rpcCode -32000) with geth's message, in geth's order: TX_UNPROTECTED,
 *   MAX_INITCODE_SIZE_EXCEEDED, EXCEEDS_BLOCK_GAS_LIMIT, FEE_CAP_VERY_HIGH, TIP_VERY_HIGH,
 *   TIP_ABOVE_FEE_CAP, INVALID_CHAIN_ID, INVALID_SENDER, NONCE_MAX, INTRINSIC_GAS_TOO_LOW,
 *   TX_UNDERPRICED.
 */
export function validateStateless(tx: DecodedTx, rules: StatelessRules): ValidTx {
  // internal/ethapi SubmitTransaction refuses unprotected txs before the pool sees them.
  if (tx.chainId === undefined) throw unprotected();
  if (tx.to === null && tx.data.length > MAX_INITCODE_SIZE) throw maxInitCodeSize(tx.data.length, MAX_INITCODE_SIZE);
  if (tx.gasLimit > rules.blockGasLimit) throw gasLimitExceeded();
  if (tx.maxFeePerGas > MAX_UINT256) throw feeCapVeryHigh();
  if (tx.maxPriorityFeePerGas > MAX_UINT256) throw tipVeryHigh();
  if (tx.maxFeePerGas < tx.maxPriorityFeePerGas) throw tipAboveFeeCap();
  // Sender: chain id, then signature values (homestead rules: 0 < r,s < N, s <= N/2), then recovery.
  if (tx.chainId !== rules.chainId) throw invalidChainId(tx.chainId, rules.chainId);
  const recId = tx.type === 0 ? tx.v - 35n - 2n * tx.chainId : tx.v;
  if ((recId !== 0n && recId !== 1n) || tx.r === 0n || tx.s === 0n || tx.r >= SECP256K1_N || tx.s > SECP256K1_N / 2n) {
    throw invalidSender();
  }
  const cost = tx.gasLimit * tx.maxFeePerGas + tx.value;
  // No balance can pay this (and @ethereumjs refuses to build such a tx).
  if (cost > MAX_UINT256) throw costOverflow(cost);
  let from: Hex;
  let intrinsic: bigint;
  let floor: bigint;
  try {
    const etx = createTxFromRLP(tx.bytes, { common: rules.common, allowUnlimitedInitCodeSize: true });
    from = etx.getSenderAddress().toString() as Hex;
    intrinsic = etx.getIntrinsicGas();
    // EIP-7623 (Prague): calldata floor; equals the intrinsic gas before Prague.
    floor = rules.common.isActivatedEIP(7623) ? etx.getMinimumGasLimit() : 0n;
  } catch (e) {
    throw invalidSender('recovery failed', e);
  }
  if (tx.nonce >= (1n << 64n) - 1n) throw nonceMax();
  if (tx.gasLimit < intrinsic) throw intrinsicGas(tx.gasLimit, intrinsic);
  if (tx.gasLimit < floor) throw floorDataGas(tx.gasLimit, floor);
  if (tx.maxFeePerGas < rules.minFeeCap) throw feeCapUnderpriced(tx.maxFeePerGas, rules.minFeeCap);
  if (tx.maxPriorityFeePerGas < rules.minTip) throw tipUnderpriced(tx.maxPriorityFeePerGas, rules.minTip);
  return { ...tx, from: from.toLowerCase() as Hex, intrinsicGas: intrinsic, cost };
}

/** What the stateful checks need to know about the sender and the pool. */
export interface SenderView {
  /** Sealed-state nonce and balance (wei). */
  stateNonce: bigint;
  balance: bigint;
  /** Sum of `cost` of the sender's pooled txs (wei). */
  queuedCost: bigint;
  /** Cost of the pooled tx with the same nonce, if any (a replacement). */
  replacedCost: bigint | undefined;
  /** Highest nonce the pool accepts for this sender (stateNonce + maxPerSender - 1). */
  maxNonce: bigint;
}

/**
 * Stateful validation (geth `ValidateTransactionWithState`): nonce not below the state nonce,
 * not beyond the per-sender window, and balance >= cost of all the sender's pooled txs
 * including this one (a replacement counts only its cost increase).
 *
 * @throws ParallaxError NONCE_TOO_LOW, NONCE_TOO_HIGH, INSUFFICIENT_FUNDS.
 */
export function validateWithState(tx: ValidTx, view: SenderView): void {
  if (tx.nonce < view.stateNonce) throw nonceTooLow(view.stateNonce, tx.nonce);
  if (tx.nonce > view.maxNonce) throw nonceTooHigh(tx.nonce, view.maxNonce);
  const { balance, queuedCost } = view;
  if (balance < tx.cost) throw insufficientFunds(balance, tx.cost);
  if (view.replacedCost !== undefined) {
    const bump = tx.cost - view.replacedCost;
    if (balance < queuedCost + bump) throw insufficientFundsBumped(balance, queuedCost, bump);
  } else if (balance < queuedCost + tx.cost) {
    throw insufficientFundsQueued(balance, queuedCost, tx.cost);
  }
}

/**
 * Effective miner tip per gas at `baseFee`: min(maxPriorityFeePerGas, maxFeePerGas - baseFee),
 * or a negative number when maxFeePerGas < baseFee (not includable).
 */
export function effectiveTip(tx: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }, baseFee: bigint): bigint {
  const room = tx.maxFeePerGas - baseFee;
  return room < tx.maxPriorityFeePerGas ? room : tx.maxPriorityFeePerGas;
}

/**
 * geth's replacement rule (legacypool list.Add): the new tx must raise both the fee cap and the
 * tip strictly, and by at least `bumpPercent` percent.
 */
export function isValidReplacement(
  old: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint },
  next: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint },
  bumpPercent: number,
): boolean {
  if (old.maxFeePerGas >= next.maxFeePerGas || old.maxPriorityFeePerGas >= next.maxPriorityFeePerGas) return false;
  const a = BigInt(100 + bumpPercent);
  const feeThreshold = (a * old.maxFeePerGas) / 100n;
  const tipThreshold = (a * old.maxPriorityFeePerGas) / 100n;
  return next.maxFeePerGas >= feeThreshold && next.maxPriorityFeePerGas >= tipThreshold;
}
