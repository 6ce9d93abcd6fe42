/**
 * The state manager every parallax executor uses: ethereumjs' `MerkleStateManager` with one fix.
 *
 * In @ethereumjs/statemanager 10.1.3, `putStorage` with caches enabled runs
 * `this._caches?.storage?.put(...) ?? (await this._writeContractStorage(...))`; the cache's `put`
 * returns `undefined`, so every SSTORE is written to the storage cache AND straight into the
 * storage trie (re-hashing its path) AND re-puts the account with a new storage root. That costs a
 * trie update per SSTORE, and makes every write to a contract's storage look like a write of the
 * contract's account (which would put all callers of one ERC-20 into one conflict group).
 * Here a storage write goes to the cache only; `flush()` (on the last commit or `getStateRoot`)
 * writes each slot to the trie once, exactly as ethereumjs' own flush does.
 */
import { MerkleStateManager } from '@ethereumjs/statemanager';
import { RLP } from '@ethereumjs/rlp';
import { unpadBytes, type Address } from '@ethereumjs/util';

export class ParallaxStateManager extends MerkleStateManager {
  /** @throws Error for a key that is not 32 bytes, a value over 32 bytes, or a missing account (as ethereumjs). */
  override async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    const caches = (this as unknown as { _caches?: { storage?: { put(a: Address, k: Uint8Array, v: Uint8Array): void } } })._caches;
    if (caches?.storage === undefined) return super.putStorage(address, key, value);
    if (key.length !== 32) throw new Error('Storage key must be 32 bytes long');
    if (value.length > 32) throw new Error('Storage value cannot be longer than 32 bytes');
    if ((await this.getAccount(address)) === undefined) throw new Error('putStorage() called on non-existing account');
    caches.storage.put(address, key, RLP.encode(unpadBytes(value)));
  }
}
