/**
 * The rollup configuration: what the sequencer and every challenger must agree on to derive the
 * same L2 chain from L1 data (OP Stack calls this `rollup.json`). Everything here is fixed at
 * genesis; per-block values (timestamps, txs) come from batches.
 */
import type { Hex } from 'viem';
import type { GenesisAlloc } from '../state/state-db.ts';
import { devGenesisAlloc } from './genesis.ts';

export interface RollupConfig {
  /** L2 chain id (EIP-155). */
  chainId: bigint;
  /** Gas limit of every L2 block. */
  gasLimit: bigint;
  /** L2 fee recipient (COINBASE of every block): the sequencer's fee vault. */
  feeRecipient: Hex;
  /** Genesis block timestamp, unix seconds. */
  genesisTimestamp: bigint;
  /** Base fee of the genesis block, wei per gas; later blocks follow EIP-1559. */
  genesisBaseFee: bigint;
  /** PREVRANDAO of every L2 block (no L1 randomness is imported yet). */
  prevRandao: Hex;
  genesisAlloc: GenesisAlloc;
}

/** OP Stack's SequencerFeeVault predeploy address, used as the L2 fee recipient. */
export const FEE_VAULT: Hex = '0x4200000000000000000000000000000000000011';

/** The devnet configuration (chain id 901, 30M gas blocks, 1 gwei genesis base fee). */
export function devnetRollupConfig(overrides: Partial<RollupConfig> = {}): RollupConfig {
  return {
    chainId: 901n,
    gasLimit: 30_000_000n,
    feeRecipient: FEE_VAULT,
    genesisTimestamp: 1_700_000_000n,
    genesisBaseFee: 1_000_000_000n,
    prevRandao: '0x0000000000000000000000000000000000000000000000000000000000000000',
    genesisAlloc: devGenesisAlloc(),
    ...overrides,
  };
}
