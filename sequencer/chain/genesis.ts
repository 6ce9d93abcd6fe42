/**
 * The L2 genesis: the 20 standard Hardhat/anvil dev accounts (mnemonic "test test ... junk",
 * BIP-44 path m/44'/60'/0'/0/i) funded with 10,000 ETH each, as Hardhat and anvil do, so existing
 * scripts work unchanged against the L2.
 */
import { mnemonicToAccount } from 'viem/accounts';
import type { Hex } from 'viem';
import type { GenesisAlloc } from '../state/state-db.ts';

/** The well-known Hardhat/anvil test mnemonic. Never use it on a real network. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';

/** 10,000 ETH in wei. */
export const DEV_BALANCE_WEI = 10_000n * 10n ** 18n;

/** Addresses of the first `n` dev accounts. */
export function devAddresses(n = 20): Hex[] {
  return Array.from({ length: n }, (_, i) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i }).address);
}

/** Private keys of the first `n` dev accounts (hex). */
export function devPrivateKeys(n = 20): Hex[] {
  return Array.from({ length: n }, (_, i) => {
    const key = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i }).getHdKey().privateKey!;
    return `0x${Buffer.from(key).toString('hex')}` as Hex;
  });
}

/** Genesis allocation funding the 20 dev accounts with {@link DEV_BALANCE_WEI}. */
export function devGenesisAlloc(): GenesisAlloc {
  const alloc: GenesisAlloc = {};
  for (const a of devAddresses(20)) alloc[a] = { balance: DEV_BALANCE_WEI };
  return alloc;
}
