/**
 * An in-memory RpcBackend for the RPC tests: three sealed blocks with real signed txs, receipts
 * and logs, a toy EVM for eth_call / eth_estimateGas, and a real Mempool behind
 * eth_sendRawTransaction.
 */
import { encodeErrorResult, type Hex, keccak256, numberToHex, parseAbi, parseTransaction, toHex } from 'viem';
import type { ExecutionStats } from '../../sequencer/executor/types.ts';
import { Mempool } from '../../sequencer/mempool/index.ts';
import type {
  CallRequest,
  CallResult,
  LogFilter,
  RpcBackend,
  StoredBlock,
  StoredLog,
  StoredReceipt,
  StoredTx,
} from '../../sequencer/rpc/backend.ts';
import { ADDR, CHAIN_ID, ETHER, GWEI, RECIPIENT, tx1559, tx2930, txLegacy } from '../mempool/helpers.ts';

/** Contracts of the toy EVM. */
export const C = {
  /** Reverts with Error("nope"). */
  REVERTER: '0x00000000000000000000000000000000000000a1',
  /** Reverts with Panic(0x11). */
  PANIC: '0x00000000000000000000000000000000000000a2',
  /** Reverts without data. */
  EMPTY_REVERT: '0x00000000000000000000000000000000000000a3',
  /** Needs 50,000 gas; uses 45,000. */
  HUNGRY: '0x00000000000000000000000000000000000000a4',
  /** Hits an invalid opcode. */
  INVALID: '0x00000000000000000000000000000000000000a5',
  /** Returns 42, and emits logs in block 1. */
  TOKEN: '0x00000000000000000000000000000000000000a6',
} as const satisfies Record<string, Hex>;

export const TOPIC_TRANSFER = keccak256(toHex('Transfer(address,address,uint256)'));
export const TOPIC_OTHER = keccak256(toHex('Other()'));
export const BASE_FEE = GWEI;
export const NEXT_BASE_FEE = 875_000_000n;
export const TIP = 100_000_000n;
export const BLOCK_GAS_LIMIT = 30_000_000n;

const h = (s: string): Hex => keccak256(toHex(s));
const pad32 = (a: Hex): Hex => `0x${a.slice(2).padStart(64, '0')}`;

export class FakeBackend implements RpcBackend {
  readonly chainId = CHAIN_ID;
  readonly blocks: StoredBlock[] = [];
  readonly txs = new Map<Hex, StoredTx>();
  readonly receipts = new Map<Hex, StoredReceipt>();
  readonly logs: StoredLog[] = [];
  readonly mempool: Mempool;
  /** Calls made to `call`, for assertions. */
  calls = 0;
  /** Balance of each dev account per block (wei); nonce = number of its txs sealed so far. */
  readonly nonces = new Map<Hex, bigint[]>();

  private constructor() {
    this.mempool = new Mempool({
      chainId: CHAIN_ID,
      blockGasLimit: BLOCK_GAS_LIMIT,
      getAccount: (a) => this.getAccount(a, this.headNumber()),
      nextBaseFee: () => NEXT_BASE_FEE,
    });
  }

  /** Builds the chain: block 0 empty, block 1 with a 1559 tx and a legacy tx (with logs), block 2 with a 2930 tx. */
  static async create(): Promise<FakeBackend> {
    const b = new FakeBackend();
    const block1 = [
      await tx1559({ key: 0, nonce: 0, to: C.TOKEN, maxFeePerGas: 3n * GWEI, maxPriorityFeePerGas: 2n * GWEI, gas: 60_000n }),
      await txLegacy({ key: 1, nonce: 0, maxFeePerGas: 3n * GWEI / 2n }),
    ];
    const block2 = [await tx2930({ key: 0, nonce: 1, maxFeePerGas: 2n * GWEI })];
    b.#seal([]);
    b.#seal(block1, [50_000n, 21_000n], [
      [
        { address: C.TOKEN, topics: [TOPIC_TRANSFER, pad32(ADDR[0]!), pad32(RECIPIENT)], data: numberToHex(5n, { size: 32 }) },
        { address: C.TOKEN, topics: [TOPIC_OTHER], data: '0x' },
      ],
      [],
    ]);
    b.#seal(block2, [25_300n], [[]]);
    return b;
  }

  #seal(raws: Hex[], gasUsed: bigint[] = [], logs: Array<Array<{ address: Hex; topics: Hex[]; data: Hex }>> = []): void {
    const number = BigInt(this.blocks.length);
    const hash = h(`block ${number}`);
    const parentHash = number === 0n ? (`0x${'00'.repeat(32)}` as Hex) : this.blocks[Number(number) - 1]!.hash;
    let cumulative = 0n;
    let logIndex = 0;
    const from = [ADDR[0]!, ADDR[1]!, ADDR[0]!];
    raws.forEach((raw, i) => {
      const txHash = keccak256(raw);
      const p = parseTransaction(raw);
      const sender = number === 1n ? from[i]! : ADDR[0]!;
      this.txs.set(txHash, { hash: txHash, raw, from: sender, blockNumber: number, blockHash: hash, transactionIndex: i });
      const used = gasUsed[i] ?? 21_000n;
      cumulative += used;
      const tip = p.maxPriorityFeePerGas ?? (p.gasPrice ?? 0n) - BASE_FEE;
      const feeCap = p.maxFeePerGas ?? p.gasPrice ?? 0n;
      const effectiveGasPrice = feeCap < BASE_FEE + tip ? feeCap : BASE_FEE + tip;
      const txLogs = (logs[i] ?? []).map((l) => ({ address: l.address, topics: l.topics, data: l.data }));
      this.receipts.set(txHash, {
        hash: txHash,
        from: sender,
        to: p.to ?? null,
        status: 1,
        gasUsed: used,
        cumulativeGasUsed: cumulative,
        effectiveGasPrice,
        contractAddress: null,
        logs: txLogs,
        logsBloom: `0x${'00'.repeat(256)}`,
        type: p.type === 'eip1559' ? 2 : p.type === 'eip2930' ? 1 : 0,
        returnData: '0x',
        blockNumber: number,
        blockHash: hash,
        transactionIndex: i,
        firstLogIndex: logIndex,
      });
      for (const l of txLogs) {
        this.logs.push({ ...l, blockNumber: number, blockHash: hash, transactionHash: txHash, transactionIndex: i, logIndex: logIndex++ });
      }
    });
    this.blocks.push({
      number,
      hash,
      parentHash,
      timestamp: 1_700_000_000n + number * 2n,
      miner: '0x4200000000000000000000000000000000000011',
      stateRoot: h(`state ${number}`),
      transactionsRoot: h(`txs ${number}`),
      receiptsRoot: h(`receipts ${number}`),
      logsBloom: `0x${'00'.repeat(256)}`,
      gasLimit: BLOCK_GAS_LIMIT,
      gasUsed: cumulative,
      baseFeePerGas: BASE_FEE,
      mixHash: h(`mix ${number}`),
      extraData: '0x',
      size: 600n + BigInt(raws.length) * 110n,
      txHashes: raws.map((r) => keccak256(r)),
    });
  }

  headNumber(): bigint {
    return BigInt(this.blocks.length - 1);
  }
  getBlockByNumber(n: bigint): StoredBlock | undefined {
    return this.blocks[Number(n)];
  }
  getBlockByHash(hash: Hex): StoredBlock | undefined {
    return this.blocks.find((b) => b.hash === hash.toLowerCase());
  }
  getTransaction(hash: Hex): StoredTx | undefined {
    const sealed = this.txs.get(hash.toLowerCase() as Hex);
    if (sealed !== undefined) return sealed;
    const p = this.mempool.get(hash);
    return p === undefined ? undefined : { hash: p.hash, raw: p.raw, from: p.from, blockNumber: null, blockHash: null, transactionIndex: null };
  }
  getReceipt(hash: Hex): StoredReceipt | undefined {
    return this.receipts.get(hash.toLowerCase() as Hex);
  }
  getLogs(f: LogFilter): StoredLog[] {
    return this.logs.filter(
      (l) =>
        l.blockNumber >= f.fromBlock &&
        l.blockNumber <= f.toBlock &&
        (f.addresses === undefined || f.addresses.length === 0 || f.addresses.includes(l.address.toLowerCase() as Hex)) &&
        (f.topics ?? []).every((t, i) => t === null || (Array.isArray(t) ? t.includes(l.topics[i]!) : t === l.topics[i])),
    );
  }
  async getAccount(address: Hex, blockNumber: bigint): Promise<{ nonce: bigint; balance: bigint }> {
    const a = address.toLowerCase() as Hex;
    let nonce = 0n;
    for (const tx of this.txs.values()) if (tx.from === a && tx.blockNumber! <= blockNumber) nonce++;
    const known = ADDR.includes(a);
    return { nonce, balance: known ? 1000n * ETHER - blockNumber * GWEI : 0n };
  }
  async getCode(address: Hex): Promise<Hex> {
    return (Object.values(C) as Hex[]).includes(address.toLowerCase() as Hex) ? '0x6080604052' : '0x';
  }
  async getStorageAt(address: Hex, slot: Hex): Promise<Hex> {
    return address.toLowerCase() === C.TOKEN && BigInt(slot) === 0n ? numberToHex(42n, { size: 32 }) : `0x${'00'.repeat(32)}`;
  }
  async call(req: CallRequest): Promise<CallResult> {
    this.calls++;
    const gas = req.gas ?? BLOCK_GAS_LIMIT;
    const intrinsic = 21_000n + BigInt(Math.max(0, ((req.data ?? '0x').length - 2) / 2)) * 16n;
    if (gas < intrinsic) throw new Error(`intrinsic gas too low: have ${gas}, want ${intrinsic}`);
    const abi = parseAbi(['error Error(string)', 'error Panic(uint256)']);
    switch (req.to?.toLowerCase()) {
      case C.REVERTER:
        return { status: 0, gasUsed: 23_000n, error: 'revert', returnData: encodeErrorResult({ abi, errorName: 'Error', args: ['nope'] }) };
      case C.PANIC:
        return { status: 0, gasUsed: 23_000n, error: 'revert', returnData: encodeErrorResult({ abi, errorName: 'Panic', args: [0x11n] }) };
      case C.EMPTY_REVERT:
        return { status: 0, gasUsed: 23_000n, error: 'revert', returnData: '0x' };
      case C.INVALID:
        return { status: 0, gasUsed: gas, error: 'invalid opcode', returnData: '0x' };
      case C.HUNGRY:
        return gas < 50_000n ? { status: 0, gasUsed: gas, error: 'out of gas', returnData: '0x' } : { status: 1, gasUsed: 45_000n, returnData: '0x' };
      case C.TOKEN:
        return { status: 1, gasUsed: intrinsic + 2_000n, returnData: numberToHex(42n, { size: 32 }) };
      default:
        return { status: 1, gasUsed: intrinsic, returnData: '0x' };
    }
  }
  async sendRawTransaction(raw: Hex): Promise<Hex> {
    return (await this.mempool.add(raw)).hash;
  }
  async pendingNonce(address: Hex): Promise<bigint> {
    let nonce = 0n;
    for (const tx of this.txs.values()) if (tx.from === address.toLowerCase()) nonce++;
    return this.mempool.pendingNonce(address, nonce);
  }
  nextBaseFee(): bigint {
    return NEXT_BASE_FEE;
  }
  suggestedTip(): bigint {
    return TIP;
  }
  blockExecution(n: bigint): ExecutionStats | undefined {
    if (n !== 1n) return undefined;
    return { mode: 'parallel', txs: 2, groups: 2, groupSizes: [1, 1], reexecuted: 0, rounds: 1, workers: 2, ms: 3.5, rootMs: 1.25 };
  }
}
