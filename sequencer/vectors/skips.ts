/**
 * Which blockchain tests the vectors runner does not execute, and why. Every skip has a reason,
 * printed with its count at the end of a run, so a skip can never hide silently.
 *
 * Rules are checked in order; the first that applies gives the reason. Explicitly listed tests
 * ({@link SKIPPED_TESTS}) come first.
 */
import type { DecodedBlock } from './env.ts';
import type { BlockchainTest } from './load.ts';

/** A skip rule: `applies` decides from the test and its decoded blocks. */
export interface SkipRule {
  /** Stable id (for logs / tests). */
  id: string;
  /** Why such tests are not run; printed in the summary. */
  reason: string;
  /** `blocks` is undefined when asked before decoding (rules that need blocks then answer false). */
  applies(test: BlockchainTest, blocks: readonly DecodedBlock[] | undefined): boolean;
}

/**
 * Tests skipped by name (`<testName>` -> reason). Empty: every ValidBlocks Cancun test that the
 * rules below do not skip must pass. Add an entry only with a reason a reviewer can check.
 */
export const SKIPPED_TESTS: Readonly<Record<string, string>> = {};

/** The fork parallax executes (sequencer/chain/common.ts). */
export const SUPPORTED_FORK = 'Cancun';

/** EIP-4844 blob transaction type byte. */
const BLOB_TX_TYPE = 0x03;

export const SKIP_RULES: readonly SkipRule[] = [
  {
    id: 'fork',
    reason: `fork other than ${SUPPORTED_FORK} (parallax executes ${SUPPORTED_FORK} rules only)`,
    applies: (t) => t.network !== SUPPORTED_FORK,
  },
  {
    id: 'invalid-block',
    reason: 'invalid-block test (expectException): the executors do not validate block headers or bodies',
    applies: (t) => t.blocks.some((b) => b.expectException !== undefined),
  },
  {
    id: 'blob-tx',
    reason: 'blob transactions (EIP-4844) are not part of the L2',
    applies: (_t, blocks) => blocks?.some((b) => b.txs.some((tx) => tx[0] === BLOB_TX_TYPE)) ?? false,
  },
];

/**
 * The reason `test` is skipped, or undefined if it must run.
 * @param blocks the decoded blocks, or undefined to apply only the rules that do not need them
 *   (the runner asks that first, so an invalid-block test is skipped before its RLP is decoded).
 */
export function skipReason(test: BlockchainTest, blocks: readonly DecodedBlock[] | undefined): string | undefined {
  if (Object.hasOwn(SKIPPED_TESTS, test.name)) return SKIPPED_TESTS[test.name];
  return SKIP_RULES.find((r) => r.applies(test, blocks))?.reason;
}
