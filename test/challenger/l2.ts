/**
 * Test helper: a minimal L2 "sequencer" without the node: blocks executed with the
 * SequentialExecutor on a scratch StateDb, sealed with childEnv/sealChild, kept in memory behind
 * the L2ChainReader interface the batcher and proposer read.
 */
import { join } from 'node:path';
import { getContractAddress, parseGwei, type Hex } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { makeCommon } from '../../sequencer/chain/common.ts';
import { devnetRollupConfig, type RollupConfig } from '../../sequencer/chain/config.ts';
import { devPrivateKeys } from '../../sequencer/chain/genesis.ts';
import { childEnv, genesisHeader, sealChild, type L2Header } from '../../sequencer/chain/header.ts';
import type { L2ChainReader } from '../../sequencer/chain/reader.ts';
import { computeOutputRoot } from '../../sequencer/codec/output-root.ts';
import { SequentialExecutor } from '../../sequencer/executor/sequential.ts';
import { StateDb } from '../../sequencer/state/state-db.ts';
import { hexToBytes } from 'viem';

/**
 * Init code of a contract whose runtime stores BLOCKHASH(NUMBER - 1) in slot 0 on every call
 * (so derived state depends on the BLOCKHASH ancestors both sides pass).
 * runtime: PUSH1 1 NUMBER SUB BLOCKHASH PUSH1 0 SSTORE STOP
 */
export const BLOCKHASH_RECORDER_INIT: Hex = '0x6009600c60003960096000f3600143034060005500';

export class MemChain implements L2ChainReader {
  readonly config: RollupConfig;
  readonly stateDb: StateDb;
  private readonly executor: SequentialExecutor;
  private readonly headers: L2Header[] = [];
  private readonly bodies: Hex[][] = [];
  private readonly accounts: PrivateKeyAccount[];
  private readonly nonces: number[];
  recorder: Hex | undefined;

  private constructor(config: RollupConfig, stateDb: StateDb) {
    this.config = config;
    this.stateDb = stateDb;
    this.executor = new SequentialExecutor(stateDb);
    this.accounts = devPrivateKeys(6).map((k) => privateKeyToAccount(k));
    this.nonces = this.accounts.map(() => 0);
  }

  static async create(dir: string): Promise<MemChain> {
    const config = devnetRollupConfig();
    const stateDb = StateDb.open(join(dir, 'l2.sqlite'), makeCommon(config.chainId));
    const chain = new MemChain(config, stateDb);
    chain.headers.push(genesisHeader(config, await stateDb.applyGenesis(config.genesisAlloc)));
    chain.bodies.push([]);
    return chain;
  }

  headNumber(): bigint {
    return BigInt(this.headers.length - 1);
  }
  header(n: bigint): L2Header | undefined {
    return this.headers[Number(n)];
  }
  txs(n: bigint): Hex[] {
    return this.bodies[Number(n)] ?? [];
  }

  /** Signs an EIP-1559 tx from dev account `from` (L2 chain id). */
  async sign(from: number, tx: { to?: Hex; value?: bigint; data?: Hex; gas?: bigint }): Promise<Hex> {
    const acct = this.accounts[from]!;
    return acct.signTransaction({
      type: 'eip1559',
      chainId: Number(this.config.chainId),
      nonce: this.nonces[from]!++,
      maxFeePerGas: parseGwei('3'),
      maxPriorityFeePerGas: parseGwei('0.1'),
      gas: tx.gas ?? 21_000n,
      to: tx.to,
      value: tx.value ?? 0n,
      data: tx.data,
    });
  }

  /** Deploys the BLOCKHASH recorder from account 5 (its address is then in `recorder`). */
  async deployRecorderTx(): Promise<Hex> {
    this.recorder = getContractAddress({ from: this.accounts[5]!.address, nonce: BigInt(this.nonces[5]!) });
    return this.sign(5, { data: BLOCKHASH_RECORDER_INIT, gas: 100_000n });
  }

  /** A block of `n` ETH transfers (+ a recorder call when deployed), 2 s after the head. */
  async addBlock(n = 2, extra: Hex[] = []): Promise<L2Header> {
    const txs: Hex[] = [...extra];
    for (let i = 0; i < n; i++) {
      txs.push(await this.sign(i % 5, { to: this.accounts[(i + 1) % 5]!.address, value: 10n ** 15n * BigInt(i + 1) }));
    }
    if (this.recorder !== undefined && extra.length === 0) txs.push(await this.sign(5, { to: this.recorder, gas: 60_000n }));
    const parent = this.headers[this.headers.length - 1]!;
    const ancestors = this.headers.slice(-256).map((h): [bigint, Hex] => [h.number, h.hash]);
    const env = childEnv(this.config, parent, parent.timestamp + 2n, ancestors);
    const raw = txs.map((t) => hexToBytes(t));
    const res = await this.executor.executeBlock(parent.stateRoot, env, raw);
    if (res.receipts.some((r) => r.status !== 1)) throw new Error('test L2 tx failed');
    const h = await sealChild(this.config, env, raw, res);
    this.headers.push(h);
    this.bodies.push(txs);
    return h;
  }

  /**
   * A block with no txs, one second after the head: what derivation rule D1 makes of an invalid
   * batch (the sequencer replaces its blocks by these).
   */
  async addEmptyBlock(): Promise<L2Header> {
    const parent = this.headers[this.headers.length - 1]!;
    const ancestors = this.headers.slice(-256).map((h): [bigint, Hex] => [h.number, h.hash]);
    const env = childEnv(this.config, parent, parent.timestamp + 1n, ancestors);
    const res = await this.executor.executeBlock(parent.stateRoot, env, []);
    const h = await sealChild(this.config, env, [], res);
    this.headers.push(h);
    this.bodies.push([]);
    return h;
  }

  /** OP v0 output root of block `n`. */
  outputRoot(n: bigint): Hex {
    const h = this.headers[Number(n)]!;
    return computeOutputRoot(h.stateRoot, h.hash);
  }

  close(): void {
    this.stateDb.close();
  }
}
