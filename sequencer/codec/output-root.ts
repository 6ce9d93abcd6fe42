/**
 * Output roots, as in the OP Stack spec (specs/protocol/proposals.md, "L2 Output Commitment
 * Construction"), version 0:
 *
 *   output_root = keccak256(version(bytes32 0) ++ state_root ++ message_passer_storage_root ++ block_hash)
 *
 * Parallax has no L2->L1 message passer yet, so `message_passer_storage_root` is the empty trie
 * root until withdrawals exist.
 */
import { concatHex, keccak256, type Hex } from 'viem';
import { EMPTY_ROOT } from '../state/state-db.ts';

const VERSION_0: Hex = '0x0000000000000000000000000000000000000000000000000000000000000000';

/** The v0 output root of an L2 block (all inputs 32-byte hex). */
export function computeOutputRoot(stateRoot: Hex, blockHash: Hex, messagePasserStorageRoot: Hex = EMPTY_ROOT): Hex {
  return keccak256(concatHex([VERSION_0, stateRoot, messagePasserStorageRoot, blockHash]));
}
