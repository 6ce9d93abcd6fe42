/**
 * Demo accounts and locally managed nonces.
 *
 * Accounts come from Hardhat's well-known dev mnemonic (BIP-44 path m/44'/60'/0'/0/i): indexes
 * 0..19 are the dev accounts the L2 genesis funds (10,000 ETH each); 20..59 are fresh accounts
 * the demo funds itself. Never use these keys outside a devnet.
 */
import { mnemonicToAccount } from 'viem/accounts';
import type { HDAccount } from 'viem/accounts';
import type { Address, PublicClient } from 'viem';

/** Hardhat's dev mnemonic. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
/** Number of dev accounts funded by genesis (indexes 0..19). */
export const DEV_ACCOUNTS = 20;
/** Number of fresh accounts the demo funds (indexes 20..59). */
export const FRESH_ACCOUNTS = 40;

/**
 * Derives accounts `first .. first+count-1` from {@link DEV_MNEMONIC} with viem's
 * `mnemonicToAccount(m, { addressIndex })` (~13 ms each: BIP-39 seed stretching).
 */
export function deriveAccounts(first: number, count: number): HDAccount[] {
  return Array.from({ length: count }, (_, i) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: first + i }));
}

/**
 * Per-account nonces kept in this process. Each account's nonce is read once from the node
 * (`eth_getTransactionCount(addr, "pending")`) and then advanced locally, one per transaction
 * the node accepted; after a rejected send it is read again.
 *
 * Safe only while a single sender at a time uses a given account (the demo gives each account
 * one lane, which sends in order).
 */
export class NonceBook {
  readonly #client: PublicClient;
  readonly #next = new Map<Address, number>();

  constructor(client: PublicClient) {
    this.#client = client;
  }

  /** The nonce the next transaction of `address` must carry. */
  async peek(address: Address): Promise<number> {
    let n = this.#next.get(address);
    if (n === undefined) {
      n = await this.#client.getTransactionCount({ address, blockTag: 'pending' });
      this.#next.set(address, n);
    }
    return n;
  }

  /**
   * Forgets `address`'s nonce so the next {@link peek} reads it from the node again: after a
   * rejected send, which some nodes (Hardhat automine) still mine when it reverts.
   */
  invalidate(address: Address): void {
    this.#next.delete(address);
  }

  /** Records that the node accepted a transaction of `address` with nonce {@link peek}. */
  commit(address: Address): void {
    const n = this.#next.get(address);
    if (n === undefined) throw new Error(`NonceBook.commit before peek for ${address}`);
    this.#next.set(address, n + 1);
  }
}
