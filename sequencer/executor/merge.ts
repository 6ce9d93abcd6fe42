/**
 * Applies the validated, conflict-free groups' writes to the main state, and credits the
 * coinbase with the fees as commutative deltas.
 */
import type { MerkleStateManager } from '@ethereumjs/statemanager';
import { Account, Address } from '@ethereumjs/util';
import { hexToBytes, type Hex } from 'viem';
import type { GroupResult } from './protocol.ts';

const addressOf = (key: string) => new Address(hexToBytes(`0x${key}`));

/**
 * Writes each group's final account and storage values. Order between groups does not matter
 * (their write sets are disjoint); the coinbase appears only in the one group (if any) that
 * touched it explicitly.
 */
export async function applyGroups(sm: MerkleStateManager, results: GroupResult[]): Promise<void> {
  for (const g of results) {
    const gone = new Set<string>();
    for (const a of g.accounts) {
      const address = addressOf(a.key);
      if (a.reset || !a.exists) await sm.deleteAccount(address);
      if (!a.exists) {
        gone.add(a.key);
        continue;
      }
      const acct = (await sm.getAccount(address)) ?? new Account();
      acct.nonce = a.nonce;
      acct.balance = a.balance;
      await sm.putAccount(address, acct);
      if (a.code !== undefined) await sm.putCode(address, a.code);
    }
    for (const [addr, slot, value] of g.storage) {
      if (gone.has(addr)) continue;
      await sm.putStorage(addressOf(addr), hexToBytes(`0x${slot}`), value);
    }
  }
}

/**
 * Credits `fees` wei to the coinbase on top of its current value, then applies EIP-161: a
 * touched account that ends empty is removed (every tx touches the coinbase with its fee credit).
 */
export async function creditCoinbase(sm: MerkleStateManager, coinbase: Hex, fees: bigint): Promise<void> {
  const address = new Address(hexToBytes(coinbase));
  const existing = await sm.getAccount(address);
  const acct = existing ?? new Account();
  acct.balance += fees;
  if (acct.isEmpty()) {
    if (existing !== undefined) await sm.deleteAccount(address);
  } else {
    await sm.putAccount(address, acct);
  }
}
