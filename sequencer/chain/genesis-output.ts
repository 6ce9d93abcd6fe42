/**
 * The genesis output root: the OP v0 output root of L2 block 0, the agreed starting point of
 * dispute games on batch 0 (the `genesisOutputRoot` deployment parameter of `OutputOracle`,
 * docs/dispute-game.md).
 */
import type { Hex } from 'viem';
import { computeOutputRoot } from '../codec/output-root.ts';
import { StateDb } from '../state/state-db.ts';
import { makeCommon } from './common.ts';
import { devnetRollupConfig, type RollupConfig } from './config.ts';
import { genesisHeader } from './header.ts';

/**
 * Computes `computeOutputRoot(genesis.stateRoot, genesis.hash)` for `config` by applying its
 * genesis allocation to a throw-away in-memory state database.
 *
 * @param config The rollup config (default: the devnet's, chain 901). It must be the config the
 *   sequencer runs with (chain id and gas limit change the genesis block hash).
 * @returns The 32-byte output root of L2 block 0.
 */
export async function devnetGenesisOutputRoot(config: RollupConfig = devnetRollupConfig()): Promise<Hex> {
  const stateDb = StateDb.open(':memory:', makeCommon(config.chainId));
  try {
    const header = genesisHeader(config, await stateDb.applyGenesis(config.genesisAlloc));
    return computeOutputRoot(header.stateRoot, header.hash);
  } finally {
    stateDb.close();
  }
}
