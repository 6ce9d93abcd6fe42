/**
 * The @ethereumjs `Common` the mempool decodes and recovers senders with.
 *
 * The chain-wide factory with native (libsecp256k1) ecrecover lives in `sequencer/chain/common.ts`
 * (`makeCommon`, Cancun rules); this module only adds a hardfork override so the pool can follow
 * the executor if it runs other rules (e.g. Prague's EIP-7623 calldata floor).
 */
import type { Common } from '@ethereumjs/common';
import { makeCommon, nativeEcrecover } from '../chain/common.ts';

export { nativeEcrecover };

/** Options of {@link createChainCommon}. */
export interface ChainCommonOptions {
  chainId: bigint;
  /** Hardfork rules (intrinsic gas); default: the chain's (Cancun). */
  hardfork?: string;
}

/**
 * The chain's shared `Common` (`makeCommon(chainId)`), or a copy of it set to `hardfork`.
 * Do not mutate the returned object.
 */
export function createChainCommon(opts: ChainCommonOptions): Common {
  const base = makeCommon(opts.chainId);
  if (opts.hardfork === undefined || opts.hardfork === base.hardfork()) return base;
  const copy = base.copy();
  copy.setHardfork(opts.hardfork);
  return copy;
}
