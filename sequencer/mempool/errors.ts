/**
 * Mempool admission errors, with go-ethereum's messages (core/error.go, core/txpool/errors.go,
 * core/txpool/validation.go, core/types/transaction_signing.go, internal/ethapi) and its JSON-RPC
 * code (-32000 for all of them, as geth returns plain errors from eth_sendRawTransaction).
 *
 * Each function returns (does not throw) a {@link ParallaxError} with a stable `code`.
 */
import { ParallaxError } from '../errors.ts';

/** Stable error codes thrown by `Mempool.add`. */
export const MempoolErrorCode = {
  /** Undecodable envelope or RLP ("rlp: ...", "typed transaction too short"). */
  DECODE: 'TX_DECODE',
  /** Blob (type 3), set-code (type 4) or unknown tx type. */
  TYPE_NOT_SUPPORTED: 'TX_TYPE_NOT_SUPPORTED',
  OVERSIZED: 'TX_OVERSIZED',
  /** Pre-EIP-155 legacy tx (no chain id in `v`). */
  UNPROTECTED: 'TX_UNPROTECTED',
  MAX_INITCODE_SIZE: 'MAX_INITCODE_SIZE_EXCEEDED',
  GAS_LIMIT: 'EXCEEDS_BLOCK_GAS_LIMIT',
  FEE_CAP_VERY_HIGH: 'FEE_CAP_VERY_HIGH',
  TIP_VERY_HIGH: 'TIP_VERY_HIGH',
  TIP_ABOVE_FEE_CAP: 'TIP_ABOVE_FEE_CAP',
  INVALID_CHAIN_ID: 'INVALID_CHAIN_ID',
  INVALID_SENDER: 'INVALID_SENDER',
  NONCE_MAX: 'NONCE_MAX',
  INTRINSIC_GAS: 'INTRINSIC_GAS_TOO_LOW',
  /** Below the EIP-7623 calldata floor (Prague). */
  FLOOR_DATA_GAS: 'FLOOR_DATA_GAS',
  UNDERPRICED: 'TX_UNDERPRICED',
  ALREADY_KNOWN: 'ALREADY_KNOWN',
  NONCE_TOO_LOW: 'NONCE_TOO_LOW',
  NONCE_TOO_HIGH: 'NONCE_TOO_HIGH',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  ACCOUNT_LIMIT: 'ACCOUNT_LIMIT_EXCEEDED',
  REPLACE_UNDERPRICED: 'REPLACEMENT_UNDERPRICED',
  POOL_FULL: 'TXPOOL_FULL',
  /** The durability store failed; the tx was not admitted. */
  STORE: 'MEMPOOL_STORE_FAILED',
} as const;
export type MempoolErrorCode = (typeof MempoolErrorCode)[keyof typeof MempoolErrorCode];

const err = (code: MempoolErrorCode, message: string, cause?: unknown) =>
  new ParallaxError(code, message, { rpcCode: -32000, cause });

/** RLP / envelope decoding failure; `detail` follows "rlp: " like geth's rlp package. */
export const decodeError = (detail: string) => err(MempoolErrorCode.DECODE, detail.startsWith('rlp: ') || detail === 'typed transaction too short' ? detail : `rlp: ${detail}`);
export const typeNotSupported = () => err(MempoolErrorCode.TYPE_NOT_SUPPORTED, 'transaction type not supported');
export const oversized = (size: number, limit: number) =>
  err(MempoolErrorCode.OVERSIZED, `oversized data: transaction size ${size}, limit ${limit}`);
export const unprotected = () =>
  err(MempoolErrorCode.UNPROTECTED, 'only replay-protected (EIP-155) transactions allowed over RPC');
export const maxInitCodeSize = (size: number, limit: number) =>
  err(MempoolErrorCode.MAX_INITCODE_SIZE, `max initcode size exceeded: code size ${size}, limit ${limit}`);
export const gasLimitExceeded = () => err(MempoolErrorCode.GAS_LIMIT, 'exceeds block gas limit');
export const feeCapVeryHigh = () => err(MempoolErrorCode.FEE_CAP_VERY_HIGH, 'max fee per gas higher than 2^256-1');
export const tipVeryHigh = () => err(MempoolErrorCode.TIP_VERY_HIGH, 'max priority fee per gas higher than 2^256-1');
export const tipAboveFeeCap = () =>
  err(MempoolErrorCode.TIP_ABOVE_FEE_CAP, 'max priority fee per gas higher than max fee per gas');
export const invalidChainId = (have: bigint, want: bigint) =>
  err(MempoolErrorCode.INVALID_CHAIN_ID, `invalid sender: invalid chain id for signer: have ${have} want ${want}`);
/** Bad signature values or failed recovery ("invalid sender: invalid transaction v, r, s values"). */
export const invalidSender = (detail = 'invalid transaction v, r, s values', cause?: unknown) =>
  err(MempoolErrorCode.INVALID_SENDER, `invalid sender: ${detail}`, cause);
export const nonceMax = () => err(MempoolErrorCode.NONCE_MAX, 'nonce has max value');
export const intrinsicGas = (gas: bigint, needed: bigint) =>
  err(MempoolErrorCode.INTRINSIC_GAS, `intrinsic gas too low: gas ${gas}, minimum needed ${needed}`);
export const floorDataGas = (gas: bigint, needed: bigint) =>
  err(MempoolErrorCode.FLOOR_DATA_GAS, `insufficient gas for floor data gas cost: gas ${gas}, minimum needed ${needed}`);
export const feeCapUnderpriced = (feeCap: bigint, min: bigint) =>
  err(MempoolErrorCode.UNDERPRICED, `transaction underpriced: gas fee cap ${feeCap}, minimum needed ${min}`);
export const tipUnderpriced = (tip: bigint, min: bigint) =>
  err(MempoolErrorCode.UNDERPRICED, `transaction underpriced: gas tip cap ${tip}, minimum needed ${min}`);
/** Pool full and the tx pays less than the cheapest evictable one (geth ErrUnderpriced). */
export const poolUnderpriced = () => err(MempoolErrorCode.UNDERPRICED, 'transaction underpriced');
export const alreadyKnown = () => err(MempoolErrorCode.ALREADY_KNOWN, 'already known');
export const nonceTooLow = (next: bigint, nonce: bigint) =>
  err(MempoolErrorCode.NONCE_TOO_LOW, `nonce too low: next nonce ${next}, tx nonce ${nonce}`);
export const nonceTooHigh = (nonce: bigint, maxAccepted: bigint) =>
  err(MempoolErrorCode.NONCE_TOO_HIGH, `nonce too high: tx nonce ${nonce}, max accepted nonce ${maxAccepted}`);
export const insufficientFunds = (balance: bigint, cost: bigint) =>
  err(MempoolErrorCode.INSUFFICIENT_FUNDS,
    `insufficient funds for gas * price + value: balance ${balance}, tx cost ${cost}, overshot ${cost - balance}`);
export const insufficientFundsQueued = (balance: bigint, queued: bigint, cost: bigint) =>
  err(MempoolErrorCode.INSUFFICIENT_FUNDS,
    `insufficient funds for gas * price + value: balance ${balance}, queued cost ${queued}, tx cost ${cost}, overshot ${queued + cost - balance}`);
export const insufficientFundsBumped = (balance: bigint, queued: bigint, bump: bigint) =>
  err(MempoolErrorCode.INSUFFICIENT_FUNDS,
    `insufficient funds for gas * price + value: balance ${balance}, queued cost ${queued}, tx bumped ${bump}, overshot ${queued + bump - balance}`);
/** gasLimit * maxFeePerGas + value does not fit 256 bits: no balance can pay it. */
export const costOverflow = (cost: bigint) =>
  err(MempoolErrorCode.INSUFFICIENT_FUNDS, `insufficient funds for gas * price + value: tx cost ${cost} exceeds 2^256-1`);
export const accountLimit = (pooled: number) => err(MempoolErrorCode.ACCOUNT_LIMIT, `account limit exceeded: pooled ${pooled} txs`);
export const replaceUnderpriced = () => err(MempoolErrorCode.REPLACE_UNDERPRICED, 'replacement transaction underpriced');
export const poolFull = () => err(MempoolErrorCode.POOL_FULL, 'txpool is full');
export const storeFailed = (cause: unknown) =>
  new ParallaxError(MempoolErrorCode.STORE, `mempool store failed: ${cause instanceof Error ? cause.message : String(cause)}`, { rpcCode: -32603, cause });
