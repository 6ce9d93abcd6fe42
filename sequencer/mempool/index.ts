/**
 * Mempool module: admission (geth-compatible validation), ordering for block building, and
 * durability. See `pool.ts` for {@link Mempool}.
 */
export { Mempool, MEMPOOL_DEFAULTS } from './pool.ts';
export { SqliteMempoolStore, MemoryMempoolStore } from './store.ts';
export { createChainCommon, nativeEcrecover, type ChainCommonOptions } from './common.ts';
export { decodeRawTx, type DecodedTx } from './decode.ts';
export { effectiveTip, isValidReplacement, MAX_INITCODE_SIZE } from './validate.ts';
export { MempoolErrorCode } from './errors.ts';
export type { AccountState, MempoolOptions, MempoolStore, PendingTx, SelectOptions, StoredMempoolTx } from './types.ts';
