/**
 * The derivation library: the L2 chain from L1 alone (rules D1/D2 of docs/dispute-game.md),
 * re-executed on an own state database, with output roots at every block. The challenger and the
 * prover-stub (`prover-stub/`) both build on it; nothing here knows about verdicts or games.
 *
 * Typical use (what `prover-stub/main.ts` does):
 * ```ts
 * const { stateDb, chain, deployBlockHash } = await openDerivedChain({ publicClient, addresses, path, config, logger });
 * const follower = new L1Follower({ publicClient, addresses, chain, deployBlockHash, logger });
 * await follower.sync();                  // derive new inbox batches
 * chain.outputRoot(5n);                   // output root of L2 block 5
 * await chain.reexecute(5n);              // block 5 again, on the stored state of block 4
 * ```
 */
export { DerivedChain, DerivedChainDb, type DerivedBatch, type DerivedBlock, type StepExecution } from './chain.ts';
export { DERIVATION_SCHEMA, L1Follower, openDerivedChain, type L1FollowerOptions, type OpenDerivedChainOptions, type OpenedDerivedChain } from './follower.ts';
export { deriveFromHead, L1BatchReader, LOG_RANGE, type L1Batch } from './l1.ts';
export { TickLoop } from './loop.ts';
export { consoleLogger, errMessage, silentLogger, type Logger } from '../log.ts';
