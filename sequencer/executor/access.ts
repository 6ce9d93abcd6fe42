/**
 * Read/write-set recording for the parallel executor.
 *
 * {@link RecordingStateManager} is a `MerkleStateManager` that notes every state key the EVM reads
 * or writes while recording is on. Keys:
 * - account key: the 40-hex-char address (covers nonce, balance and code);
 * - storage key: address + 64-hex-char slot;
 * - wildcard: `address*`, written when an account is deleted or its storage cleared (conflicts
 *   with any storage key of that address).
 *
 * The fee recipient (coinbase) gets special treatment so that fee payments commute: accesses to it
 * in the *post-execution* phase of a tx (sender refund, fee credit, touched-account cleanup) are
 * not recorded; the parallel merge adds the fees as deltas instead. Any other access to the
 * coinbase (BALANCE(COINBASE), a transfer to it, the coinbase sending a tx) is an *explicit*
 * coinbase touch, which orders the tx after every earlier tx of the block (see parallel.ts).
 */
import { ParallaxStateManager } from '../state/state-manager.ts';
import type { Account, Address } from '@ethereumjs/util';

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of bytes without 0x. */
export function hex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
}

export type Phase = 'pre' | 'exec' | 'post';

export class RecordingStateManager extends ParallaxStateManager {
  /** Recording on/off (off while reading final values). */
  recording = false;
  /** Current tx phase (set by the worker around `evm.runCall`). */
  phase: Phase = 'pre';
  /** Coinbase address key (40 hex) whose post-phase accesses are not recorded. */
  coinbaseKey = '';
  reads = new Set<string>();
  writes = new Set<string>();
  /** Addresses (40 hex) whose code was written. */
  codeWritten = new Set<string>();
  /** Addresses (40 hex) deleted at some point. */
  deleted = new Set<string>();
  /** Set when the current tx touched the coinbase explicitly. */
  explicitCoinbase = false;

  /** Starts a fresh record (per group). */
  resetRecord(): void {
    this.reads = new Set();
    this.writes = new Set();
    this.codeWritten = new Set();
    this.deleted = new Set();
  }

  private noteAccount(address: Address, write: boolean): string | undefined {
    if (!this.recording) return undefined;
    const key = hex(address.bytes);
    if (key === this.coinbaseKey) {
      if (this.phase === 'post') return undefined;
      this.explicitCoinbase = true;
    }
    if (write) this.writes.add(key);
    else this.reads.add(key);
    return key;
  }

  override async getAccount(address: Address): Promise<Account | undefined> {
    this.noteAccount(address, false);
    return super.getAccount(address);
  }

  /**
   * A put that leaves an existing account unchanged (the EVM re-puts the callee of every CALL,
   * even with value 0) is recorded as a read, not a write: otherwise every caller of one contract
   * would conflict. Creating, changing or deleting an account is a write.
   */
  override async putAccount(address: Address, account?: Account): Promise<void> {
    if (this.recording && account !== undefined) {
      const prev = await super.getAccount(address);
      const same =
        prev !== undefined &&
        prev.nonce === account.nonce &&
        prev.balance === account.balance &&
        equalBytes(prev.codeHash, account.codeHash) &&
        equalBytes(prev.storageRoot, account.storageRoot);
      this.noteAccount(address, !same);
    } else {
      this.noteAccount(address, true);
    }
    return super.putAccount(address, account);
  }

  override async deleteAccount(address: Address): Promise<void> {
    const key = this.noteAccount(address, true);
    if (key !== undefined) {
      this.writes.add(`${key}*`);
      this.deleted.add(key);
    }
    return super.deleteAccount(address);
  }

  override async putCode(address: Address, value: Uint8Array): Promise<void> {
    const key = this.noteAccount(address, true);
    if (key !== undefined) this.codeWritten.add(key);
    return super.putCode(address, value);
  }

  override async getCode(address: Address): Promise<Uint8Array> {
    this.noteAccount(address, false);
    return super.getCode(address);
  }

  override async getCodeSize(address: Address): Promise<number> {
    this.noteAccount(address, false);
    return super.getCodeSize(address);
  }

  override async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    if (this.recording) this.reads.add(hex(address.bytes) + hex(key));
    return super.getStorage(address, key);
  }

  override async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    if (this.recording) this.writes.add(hex(address.bytes) + hex(key));
    return super.putStorage(address, key, value);
  }

  override async clearStorage(address: Address): Promise<void> {
    const key = this.noteAccount(address, true);
    if (key !== undefined) {
      this.writes.add(`${key}*`);
      this.deleted.add(key);
    }
    return super.clearStorage(address);
  }
}
