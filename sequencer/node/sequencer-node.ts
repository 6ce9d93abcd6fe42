/**
 * The sequencer node: state, chain store, mempool, executor and block builder around one SQLite
 * file, and the {@link RpcBackend} the L2 JSON-RPC serves.
 *
 * Data flow: RPC -> mempool -> block builder -> executor -> state/chain store (-> batcher and
 * proposer, wired by `sequencer/main.ts`).
 *
 * Chain rewrites (docs/dispute-game.md): {@link SequencerNode.rollbackTo} after L1 deleted outputs,
 * {@link SequencerNode.replaceWithEmpty} for rule D1; both in `rollback.ts`, serialised with block
 * production by {@link SequencerNode.exclusive}.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { MerkleStateManager } from '@ethereumjs/statemanager';
import { Address, setLengthLeft } from '@ethereumjs/util';
import { bytesToHex, hexToBytes, pad, type Hex } from 'viem';
import { makeCommon, makeTxCommon } from '../chain/common.ts';
import type { RollupConfig } from '../chain/config.ts';
import { genesisHeader, nextBaseFee, type L2Header } from '../chain/header.ts';
import { BlockBuilder } from '../builder/builder.ts';
import { ParallaxError } from '../errors.ts';
import { createExecutor, type ExecutorMode } from '../executor/index.ts';
import type { BlockExecutor, BlockResult, ExecutionStats } from '../executor/types.ts';
import type { Logger } from '../log.ts';
import { Mempool, SqliteMempoolStore } from '../mempool/index.ts';
import type { CallRequest, CallResult, LogFilter, RpcBackend, StoredBlock, StoredLog, StoredReceipt, StoredTx } from '../rpc/backend.ts';
import { openSqlite } from '../state/kv.ts';
import { StateDb } from '../state/state-db.ts';
import { ChainStore } from '../store/chain-store.ts';
import { badExecutionTamper } from './faults.ts';
import { applyReplay, planReplaceWithEmpty, planRollback, resumeReplay, type ReplayContext, type ReplayOutcome } from './rollback.ts';
import { simulateCall } from './simulate.ts';

export interface SequencerNodeOptions {
  rollup: RollupConfig;
  dataDir: string;
  executorMode: ExecutorMode;
  workers?: number;
  /** Milliseconds between blocks (default 1000). */
  blockTimeMs?: number;
  mempoolMaxPerSender?: number;
  mempoolMaxTotal?: number;
  logger: Logger;
  /** Drill hook, see BlockBuilder `tamper`. */
  tamper?: (number: bigint, result: BlockResult) => Promise<BlockResult>;
  /** Fault drill `FAULT_BAD_EXECUTION_BLOCK` (see `faults.ts`); ignored when `tamper` is set. */
  faultBadExecutionBlock?: bigint;
}

/** Default priority fee suggestion, wei per gas (0.001 gwei, as OP Stack chains suggest ~1e6). */
const SUGGESTED_TIP = 1_000_000n;

export class SequencerNode implements RpcBackend {
  readonly chainId: bigint;
  readonly rollup: RollupConfig;
  readonly store: ChainStore;
  readonly stateDb: StateDb;
  readonly mempool: Mempool;
  readonly executor: BlockExecutor;
  readonly builder: BlockBuilder;
  private readonly logger: Logger;
  private readonly blockTimeMs: number;
  private head: { number: bigint; root: Hex; sm: Promise<MerkleStateManager> } | undefined;
  /** Serialises block production and chain rewrites (rollback, D1). */
  private chainLock: Promise<void> = Promise.resolve();
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly listeners = new Set<(h: L2Header, r: BlockResult) => void>();

  private constructor(o: SequencerNodeOptions, stateDb: StateDb, store: ChainStore, mempool: Mempool, executor: BlockExecutor) {
    this.rollup = o.rollup;
    this.chainId = o.rollup.chainId;
    this.logger = o.logger;
    this.blockTimeMs = o.blockTimeMs ?? 1000;
    this.stateDb = stateDb;
    this.store = store;
    this.mempool = mempool;
    this.executor = executor;
    this.builder = new BlockBuilder({
      config: o.rollup,
      store,
      executor,
      mempool,
      stateNonce: async (a) => (await this.getAccount(a, store.headNumber())).nonce,
      tamper:
        o.tamper ??
        (o.faultBadExecutionBlock === undefined ? undefined : badExecutionTamper(stateDb, o.faultBadExecutionBlock, o.rollup.feeRecipient, o.logger)),
      logger: o.logger,
      onBlock: (h, r) => {
        const s = r.stats;
        this.logger.info(
          { block: Number(h.number), txs: s.txs, groups: s.groups, reexecuted: s.reexecuted, rounds: s.rounds, ms: Math.round(s.ms), gasUsed: Number(h.gasUsed) },
          'sealed L2 block',
        );
        for (const l of this.listeners) l(h, r);
      },
    });
  }

  /**
   * Opens (or creates, writing genesis) the node's database `dataDir/sequencer.sqlite` and
   * restores the persisted mempool.
   * @throws ParallaxError `GENESIS_MISMATCH` if the data folder holds another chain.
   */
  static async open(o: SequencerNodeOptions): Promise<SequencerNode> {
    mkdirSync(o.dataDir, { recursive: true });
    const path = join(o.dataDir, 'sequencer.sqlite');
    const sqlite = openSqlite(path);
    const common = makeCommon(o.rollup.chainId);
    const stateDb = StateDb.open(path, common, { sqlite });
    const store = new ChainStore(sqlite);
    const root = store.headNumber() < 0n ? await stateDb.applyGenesis(o.rollup.genesisAlloc) : store.header(0n)!.stateRoot;
    const genesis = genesisHeader(o.rollup, root);
    if (store.headNumber() < 0n) {
      store.commitBlock({
        header: genesis,
        size: 0,
        txs: [],
        receipts: [],
        stats: { mode: 'sequential', txs: 0, groups: 0, groupSizes: [], reexecuted: 0, rounds: 0, workers: 0, ms: 0, rootMs: 0 },
      });
    } else if (store.header(0n)!.hash !== genesis.hash) {
      throw new ParallaxError('GENESIS_MISMATCH', `data folder ${o.dataDir} holds another chain (genesis ${store.header(0n)!.hash}); use --fresh`);
    }
    const executor = createExecutor({
      mode: o.executorMode,
      stateDb,
      workers: o.workers,
      onFallback: (err) => o.logger.error({ err: err.message }, 'parallel executor failed; block executed sequentially'),
    });
    let node: SequencerNode | undefined;
    const mempool = new Mempool({
      chainId: o.rollup.chainId,
      blockGasLimit: o.rollup.gasLimit,
      maxPerSender: o.mempoolMaxPerSender,
      maxTotal: o.mempoolMaxTotal,
      common: makeTxCommon(o.rollup.chainId),
      getAccount: (a) => node!.getAccount(a, node!.headNumber()),
      nextBaseFee: () => node!.nextBaseFee(),
      store: new SqliteMempoolStore(sqlite),
    });
    node = new SequencerNode(o, stateDb, store, mempool, executor);
    await resumeReplay(node.replayContext());
    const restored = await mempool.restoreFromStore();
    o.logger.info({ head: Number(store.headNumber()), mempool: restored.restored, dropped: restored.dropped.length }, 'sequencer state opened');
    return node;
  }

  /** Subscribes to sealed blocks. */
  onBlock(fn: (h: L2Header, r: BlockResult) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Starts producing blocks: at most one per block time, only when txs are pending. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const started = Date.now();
        if (this.mempool.size() > 0) {
          try {
            if ((await this.exclusive(() => this.builder.buildOne())) !== undefined) await this.mempool.prune();
          } catch (err) {
            this.logger.error({ err: (err as Error).stack }, 'block building failed');
          }
        }
        const wait = Math.max(this.mempool.size() > 0 ? this.blockTimeMs - (Date.now() - started) : this.blockTimeMs, 10);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, wait);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    })();
  }

  /**
   * Runs `fn` while no block is being built and no other chain rewrite runs (block production
   * waits). Callers reading several blocks that must be consistent (the batcher) use it too.
   */
  async exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const prev = this.chainLock;
    let release!: () => void;
    this.chainLock = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private replayContext(): ReplayContext {
    return {
      store: this.store,
      builder: this.builder,
      mempool: this.mempool,
      logger: this.logger,
      onTruncate: () => (this.head = undefined),
    };
  }

  /**
   * Rolls the chain back to block `l2Block` and re-executes every later block from its stored
   * data (same txs and timestamps, in order) under rule D2; dropped txs return to the mempool
   * (docs/dispute-game.md, "On OutputsDeleted"). Block production pauses meanwhile. A no-op when
   * `l2Block` is the head. Crash-safe (see `rollback.ts`).
   *
   * @param l2Block the block to keep as the parent of the re-executed ones (0 = genesis).
   * @returns what was re-executed, dropped and returned to the mempool.
   * @throws ParallaxError `UNKNOWN_BLOCK` when `l2Block` is above the head or negative.
   */
  async rollbackTo(l2Block: bigint): Promise<ReplayOutcome> {
    return this.exclusive(async () => {
      const plan = planRollback(this.store, l2Block);
      const out = await applyReplay(this.replayContext(), plan);
      this.head = undefined;
      await this.mempool.prune();
      return out;
    });
  }

  /**
   * Rule D1 (docs/dispute-game.md): blocks `first..last` become empty blocks (timestamp
   * parent + 1 each), their original txs go back to the mempool (re-validated), and the later
   * local blocks are re-executed under D2. Block production pauses meanwhile. A no-op (returns
   * undefined) when the range already holds D1's empty blocks.
   *
   * @throws ParallaxError `BAD_RANGE` unless `1 <= first <= last <= head`.
   */
  async replaceWithEmpty(first: bigint, last: bigint): Promise<ReplayOutcome | undefined> {
    return this.exclusive(async () => {
      const plan = planReplaceWithEmpty(this.store, first, last);
      if (plan === undefined) return undefined;
      const out = await applyReplay(this.replayContext(), plan);
      this.head = undefined;
      await this.mempool.prune();
      return out;
    });
  }

  /** Stops block production, the executor's workers and closes the database. */
  async close(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.executor.close();
    this.stateDb.close();
  }

  // ---- state access ----

  private async stateAt(blockNumber: bigint): Promise<MerkleStateManager> {
    const header = this.store.header(blockNumber);
    if (header === undefined) throw new ParallaxError('UNKNOWN_BLOCK', `unknown block ${blockNumber}`, { rpcCode: -32000 });
    if (blockNumber === this.store.headNumber()) {
      if (this.head?.number !== blockNumber || this.head.root !== header.stateRoot) {
        this.head = { number: blockNumber, root: header.stateRoot, sm: this.stateDb.stateManager(header.stateRoot) };
      }
      return this.head.sm;
    }
    return this.stateDb.stateManager(header.stateRoot);
  }

  // ---- RpcBackend ----

  headNumber(): bigint {
    return this.store.headNumber();
  }

  getBlockByNumber(n: bigint): StoredBlock | undefined {
    const h = this.store.header(n);
    if (h === undefined) return undefined;
    return { ...h, size: BigInt(this.store.blockInfo(n)?.size ?? 0), txHashes: this.store.txHashes(n) };
  }

  getBlockByHash(hash: Hex): StoredBlock | undefined {
    const n = this.store.numberOf(hash);
    return n === undefined ? undefined : this.getBlockByNumber(n);
  }

  getTransaction(hash: Hex): StoredTx | undefined {
    const sealed = this.store.getTx(hash);
    if (sealed !== undefined) return sealed;
    const p = this.mempool.get(hash);
    if (p === undefined) return undefined;
    return { hash: p.hash, raw: p.raw, from: p.from, blockNumber: null, blockHash: null, transactionIndex: null };
  }

  getReceipt(hash: Hex): StoredReceipt | undefined {
    return this.store.getReceipt(hash);
  }

  getLogs(filter: LogFilter): StoredLog[] {
    return this.store.getLogs(filter);
  }

  async getAccount(address: Hex, blockNumber: bigint): Promise<{ nonce: bigint; balance: bigint }> {
    const acct = await (await this.stateAt(blockNumber)).getAccount(new Address(hexToBytes(address)));
    return { nonce: acct?.nonce ?? 0n, balance: acct?.balance ?? 0n };
  }

  async getCode(address: Hex, blockNumber: bigint): Promise<Hex> {
    return bytesToHex(await (await this.stateAt(blockNumber)).getCode(new Address(hexToBytes(address))));
  }

  async getStorageAt(address: Hex, slot: Hex, blockNumber: bigint): Promise<Hex> {
    const sm = await this.stateAt(blockNumber);
    const v = await sm.getStorage(new Address(hexToBytes(address)), setLengthLeft(hexToBytes(slot), 32));
    return pad(bytesToHex(v), { size: 32 });
  }

  async call(req: CallRequest, blockNumber: bigint): Promise<CallResult> {
    const header = this.store.header(blockNumber);
    if (header === undefined) throw new ParallaxError('UNKNOWN_BLOCK', `unknown block ${blockNumber}`);
    return simulateCall(this.stateDb, this.rollup, header, this.store.ancestors(blockNumber), req);
  }

  async sendRawTransaction(raw: Hex): Promise<Hex> {
    const { hash } = await this.mempool.add(raw);
    return hash;
  }

  async pendingNonce(address: Hex): Promise<bigint> {
    const { nonce } = await this.getAccount(address, this.headNumber());
    return this.mempool.pendingNonce(address, nonce);
  }

  nextBaseFee(): bigint {
    return nextBaseFee(this.store.header(this.headNumber())!);
  }

  suggestedTip(): bigint {
    return SUGGESTED_TIP;
  }

  blockExecution(n: bigint): ExecutionStats | undefined {
    return this.store.blockInfo(n)?.stats;
  }
}
