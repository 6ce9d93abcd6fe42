/**
 * Block-level state changes outside transactions, applied identically by every executor:
 * - before the txs, EIP-4788 stores the parent beacon block root (only when the env carries one
 *   and the beacon roots contract has code: parallax L2 blocks carry none; Ethereum vectors do);
 * - after the txs, EIP-4895 withdrawals credit `amountGwei * 1e9` wei (zero amounts are skipped,
 *   as in geth and ethereumjs' runBlock).
 */
import type { MerkleStateManager } from '@ethereumjs/statemanager';
import type { Common } from '@ethereumjs/common';
import { Account, Address, bigIntToBytes, setLengthLeft, unpadBytes } from '@ethereumjs/util';
import { hexToBytes } from 'viem';
import type { BlockEnv } from './types.ts';

/** EIP-4788 beacon roots contract address. */
const BEACON_ROOTS = new Address(hexToBytes('0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02'));
/** EIP-4788 HISTORY_BUFFER_LENGTH. */
const HISTORY_BUFFER_LENGTH = 8191n;

/**
 * EIP-4788: stores `timestamp` at slot `timestamp % 8191` and the parent beacon block root at
 * slot `timestamp % 8191 + 8191` of the beacon roots contract, if it has code.
 * Returns true if state changed.
 */
export async function applyPreBlock(sm: MerkleStateManager, common: Common, env: BlockEnv): Promise<boolean> {
  if (env.parentBeaconBlockRoot === undefined || !common.isActivatedEIP(4788)) return false;
  if ((await sm.getCode(BEACON_ROOTS)).length === 0) return false;
  const idx = env.timestamp % HISTORY_BUFFER_LENGTH;
  const slot = (n: bigint) => setLengthLeft(bigIntToBytes(n), 32);
  await sm.putStorage(BEACON_ROOTS, slot(idx), unpadBytes(bigIntToBytes(env.timestamp)));
  await sm.putStorage(BEACON_ROOTS, slot(idx + HISTORY_BUFFER_LENGTH), unpadBytes(hexToBytes(env.parentBeaconBlockRoot)));
  return true;
}

/** Credits EIP-4895 withdrawals. */
export async function applyWithdrawals(sm: MerkleStateManager, env: BlockEnv): Promise<void> {
  for (const w of env.withdrawals ?? []) {
    if (w.amountGwei === 0n) continue;
    const address = new Address(hexToBytes(w.address));
    const account = (await sm.getAccount(address)) ?? new Account();
    account.balance += w.amountGwei * 1_000_000_000n;
    await sm.putAccount(address, account);
  }
}
