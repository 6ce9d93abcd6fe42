/**
 * Worker thread of the parallel executor. Holds a read-only handle on the state database and
 * executes groups of txs against a given state root, recording each group's read and write sets
 * and the final values of what it wrote. It never writes state: the main thread merges.
 */
import { parentPort } from 'node:worker_threads';
import { createTxFromRLP } from '@ethereumjs/tx';
import { Address } from '@ethereumjs/util';
import { runTx, type VM } from '@ethereumjs/vm';
import { hexToBytes } from 'viem';
import { makeCommon, makeTxCommon } from '../chain/common.ts';
import { StateDb } from '../state/state-db.ts';
import { RecordingStateManager, hex } from './access.ts';
import { decodeTx, shortMessage } from './decode.ts';
import { envToBlock, makeVm } from './env.ts';
import type { AccountWrite, GroupResult, RecoverResult, RunMsg, WireTx, WorkerRequest, WorkerResponse } from './protocol.ts';
import { receiptsRootAndBloom, toReceipt } from './receipts.ts';

let stateDb: StateDb | undefined;

function post(msg: WorkerResponse): void {
  parentPort!.postMessage(msg);
}

parentPort!.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'init') {
    stateDb = StateDb.open(msg.dbPath, makeCommon(msg.chainId), { readonly: true });
    post({ type: 'ready' });
    return;
  }
  const fail = (err: unknown) => post({ type: 'error', id: msg.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  if (msg.type === 'recover') {
    try {
      post({ type: 'recovered', id: msg.id, result: recover(msg.raws) });
    } catch (err) {
      fail(err);
    }
  } else if (msg.type === 'receipts') {
    receiptsRootAndBloom(msg.receipts).then((r) => post({ type: 'receipts', id: msg.id, ...r }), fail);
  } else {
    run(msg).then((groups) => post({ type: 'result', id: msg.id, groups }), fail);
  }
});

/** Decodes txs and recovers each sender's public key once (native secp256k1). */
function recover(raws: Uint8Array[]): RecoverResult {
  const common = stateDb!.common;
  const out: RecoverResult = { pubkeys: [], gasLimits: [], features: [] };
  for (let i = 0; i < raws.length; i++) {
    let tx;
    try {
      tx = createTxFromRLP(raws[i]!, { common: makeTxCommon(common.chainId()) });
      if (!tx.isSigned()) throw new Error('unsigned transaction');
    } catch (err) {
      out.pubkeys.push(`undecodable transaction: ${shortMessage(err)}`);
      out.gasLimits.push(0n);
      out.features.push('');
      continue;
    }
    out.features.push(tx.to === undefined ? 'create' : hex(tx.to.bytes) + hex(tx.data.subarray(0, 4)));
    try {
      out.pubkeys.push(tx.getSenderPublicKey());
      out.gasLimits.push(tx.gasLimit);
    } catch (err) {
      out.pubkeys.push(`invalid sender: ${shortMessage(err)}`);
      out.gasLimits.push(0n);
    }
  }
  return out;
}

async function run(msg: RunMsg): Promise<GroupResult[]> {
  const db = stateDb!;
  const common = db.common;
  const sm = (await db.stateManager(msg.root, RecordingStateManager)) as RecordingStateManager;
  sm.coinbaseKey = msg.env.coinbase.slice(2).toLowerCase();
  const vm = await makeVm(common, sm, msg.env);
  const runCall = vm.evm.runCall.bind(vm.evm);
  vm.evm.runCall = async (opts) => {
    sm.phase = 'exec';
    try {
      return await runCall(opts);
    } finally {
      sm.phase = 'post';
    }
  };
  const block = envToBlock(msg.env, common);
  const byIndex = new Map<number, WireTx>();
  for (const t of msg.txs) byIndex.set(t.index, t);
  const out: GroupResult[] = [];
  for (const group of msg.groups) out.push(await runGroup(vm, sm, block, group, byIndex, msg.env.baseFeePerGas));
  return out;
}

async function runGroup(
  vm: VM,
  sm: RecordingStateManager,
  block: ReturnType<typeof envToBlock>,
  group: number[],
  byIndex: Map<number, WireTx>,
  baseFee: bigint,
): Promise<GroupResult> {
  const res: GroupResult = {
    txIndices: [],
    reads: [],
    writes: [],
    accounts: [],
    storage: [],
    receipts: [],
    minerValues: [],
    explicitCoinbase: [],
  };
  await sm.checkpoint();
  sm.resetRecord();
  sm.recording = true;
  try {
    for (const index of group) {
      const wire = byIndex.get(index)!;
      const tx = decodeTx(wire.raw, vm.common, index);
      (tx as unknown as { cache: { senderPubKey?: Uint8Array } }).cache.senderPubKey = wire.senderPubKey;
      sm.phase = 'pre';
      sm.explicitCoinbase = false;
      let r;
      try {
        r = await runTx(vm, { tx, block, skipHardForkValidation: true });
      } catch (err) {
        res.failed = { index, message: shortMessage(err) };
        // a tx that failed after touching the coinbase (e.g. the coinbase spending fees earned
        // earlier in the block) must be joined with every earlier tx, then re-run
        if (sm.explicitCoinbase) res.explicitCoinbase.push(index);
        break;
      }
      res.txIndices.push(index);
      res.receipts.push(toReceipt(tx, r, baseFee));
      res.minerValues.push(r.minerValue);
      if (sm.explicitCoinbase) res.explicitCoinbase.push(index);
    }
    sm.recording = false;
    res.reads = [...sm.reads];
    res.writes = [...sm.writes];
    // A group that touched the coinbase explicitly owns its absolute value (incl. its own fees).
    const written = new Set(sm.writes);
    if (res.explicitCoinbase.length > 0) written.add(sm.coinbaseKey);
    for (const key of written) {
      if (key.length === 40) {
        const address = new Address(hexToBytes(`0x${key}`));
        const acct = await sm.getAccount(address);
        const w: AccountWrite = {
          key,
          exists: acct !== undefined,
          nonce: acct?.nonce ?? 0n,
          balance: acct?.balance ?? 0n,
          reset: sm.deleted.has(key),
        };
        if (acct !== undefined && sm.codeWritten.has(key)) w.code = await sm.getCode(address);
        res.accounts.push(w);
      } else if (key.length === 104) {
        const address = new Address(hexToBytes(`0x${key.slice(0, 40)}`));
        const value = await sm.getStorage(address, hexToBytes(`0x${key.slice(40)}`));
        res.storage.push([key.slice(0, 40), key.slice(40), value]);
      }
    }
  } finally {
    sm.recording = false;
    await sm.revert();
  }
  return res;
}

