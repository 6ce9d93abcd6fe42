/**
 * A real SequencerNode (parallel executor, 2 workers, 100 ms blocks) behind the L2 JSON-RPC
 * server, driven with viem public/wallet clients exactly as a user would: chain and fee queries,
 * an ETH transfer, a contract deployment, writes, reads, events and storage, and revert reasons.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BaseError,
  ContractFunctionRevertedError,
  encodeFunctionData,
  getAbiItem,
  pad,
  parseEther,
  parseEventLogs,
  toEventSelector,
  type Abi,
  type Address,
  type Hex,
} from 'viem';
import { DEV_BALANCE_WEI } from '../../sequencer/chain/genesis.ts';
import { devAccount, openTestNode, removeDir, tempDir, type TestNode } from '../helpers/node.ts';
import { rpcCall } from '../helpers/rpc.ts';
import { compileSolidity } from '../helpers/solc.ts';

const STORE_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

contract Store {
    uint256 public value; // slot 0
    address public owner; // slot 1

    event ValueSet(address indexed sender, uint256 indexed value, string note);

    constructor(uint256 initial) {
        value = initial;
        owner = msg.sender;
    }

    function set(uint256 v, string calldata note) external {
        require(v != 13, "unlucky number");
        value = v;
        emit ValueSet(msg.sender, v, note);
    }
}
`;

/** The innermost viem error of type `T` in `e`'s cause chain. */
function findCause<T extends Error>(e: unknown, type: new (...args: never[]) => T): T | undefined {
  if (!(e instanceof BaseError)) return undefined;
  const found = e.walk((x) => x instanceof type);
  return found instanceof type ? found : undefined;
}

describe('viem against a running sequencer node', () => {
  const dir = tempDir('px-rpc-node-viem-');
  let t: TestNode;
  let store: { abi: Abi; bytecode: Hex };

  before(async () => {
    store = compileSolidity(STORE_SOURCE, 'Store');
    t = await openTestNode({ dataDir: dir });
  });
  after(async () => {
    await t?.close();
    removeDir(dir);
  });

  it('answers chain, balance and fee queries', async () => {
    const pc = t.publicClient;
    assert.equal(await pc.getChainId(), 901);
    assert.equal(await pc.getBlockNumber({ cacheTime: 0 }), 0n);
    assert.equal(await pc.getBalance({ address: devAccount(0).address }), DEV_BALANCE_WEI);
    assert.equal(DEV_BALANCE_WEI, parseEther('10000'));
    assert.equal(await pc.getBalance({ address: '0x000000000000000000000000000000000000dEaD' }), 0n);

    const tip = await pc.estimateMaxPriorityFeePerGas();
    assert.equal(tip, 1_000_000n);
    const gasPrice = await pc.getGasPrice();
    // eth_gasPrice = next block's base fee + suggested tip; feeHistory's last base fee is the next block's.
    const fh = await pc.getFeeHistory({ blockCount: 1, blockTag: 'latest', rewardPercentiles: [] });
    assert.equal(fh.baseFeePerGas.length, 2);
    assert.equal(gasPrice, fh.baseFeePerGas[1]! + tip);
    const fees = await pc.estimateFeesPerGas();
    assert.equal(fees.maxPriorityFeePerGas, tip);
    assert.ok(fees.maxFeePerGas! > fh.baseFeePerGas[1]!);

    assert.equal(await pc.estimateGas({ account: devAccount(1).address, to: devAccount(2).address, value: 1n }), 21_000n);
  });

  let transfer: { hash: Hex; blockNumber: bigint };
  it('sends an ETH transfer and reports it through receipt, tx, block and nonce queries', async () => {
    const pc = t.publicClient;
    const from = devAccount(1).address;
    const to = devAccount(10).address;
    const value = parseEther('1.5');
    const before = await pc.getBalance({ address: from });
    const toBefore = await pc.getBalance({ address: to });

    const hash = await t.wallet(1).sendTransaction({ to, value });
    const receipt = await pc.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 10_000 });
    transfer = { hash, blockNumber: receipt.blockNumber };
    assert.equal(receipt.status, 'success');
    assert.equal(receipt.from, from.toLowerCase());
    assert.equal(receipt.to, to.toLowerCase());
    assert.equal(receipt.gasUsed, 21_000n);
    assert.equal(receipt.contractAddress, null);
    assert.ok(receipt.blockNumber >= 1n);

    assert.equal(await pc.getBalance({ address: to }), toBefore + value);
    assert.equal(await pc.getBalance({ address: from }), before - value - receipt.gasUsed * receipt.effectiveGasPrice);

    const tx = await pc.getTransaction({ hash });
    assert.equal(tx.hash, hash);
    assert.equal(tx.from, from.toLowerCase());
    assert.equal(tx.to, to.toLowerCase());
    assert.equal(tx.value, value);
    assert.equal(tx.nonce, 0);
    assert.equal(tx.type, 'eip1559');
    assert.equal(tx.chainId, 901);
    assert.equal(tx.blockNumber, receipt.blockNumber);
    assert.equal(tx.blockHash, receipt.blockHash);
    assert.equal(tx.transactionIndex, receipt.transactionIndex);

    const block = await pc.getBlock({ blockNumber: receipt.blockNumber });
    assert.equal(block.hash, receipt.blockHash);
    assert.equal(block.number, receipt.blockNumber);
    assert.ok(block.transactions.includes(hash));
    assert.equal(typeof block.transactions[0], 'string');
    assert.ok(block.gasUsed >= 21_000n);
    assert.equal(block.gasLimit, 30_000_000n);
    assert.ok(block.baseFeePerGas! > 0n);
    const parent = await pc.getBlock({ blockNumber: receipt.blockNumber - 1n });
    assert.equal(block.parentHash, parent.hash);
    assert.ok(block.timestamp >= parent.timestamp);

    const full = await pc.getBlock({ blockHash: receipt.blockHash, includeTransactions: true });
    assert.equal(full.transactions.length, block.transactions.length);
    const ours = full.transactions.find((x) => x.hash === hash);
    assert.ok(ours !== undefined, 'the transfer is in the full block');
    assert.equal(ours.from, from.toLowerCase());
    assert.equal(ours.value, value);
    assert.equal(ours.blockNumber, receipt.blockNumber);

    assert.equal(await pc.getTransactionCount({ address: from, blockTag: 'latest' }), 1);
    assert.equal(await pc.getTransactionCount({ address: from, blockTag: 'pending' }), 1);
    assert.equal(await pc.getTransactionCount({ address: from, blockNumber: receipt.blockNumber - 1n }), 0);
    assert.equal(await pc.getTransactionCount({ address: to, blockTag: 'pending' }), 0);
    assert.equal(await pc.getBlockTransactionCount({ blockNumber: receipt.blockNumber }), block.transactions.length);
  });

  it('reports fee history over the sealed blocks', async () => {
    const pc = t.publicClient;
    const head = await pc.getBlockNumber({ cacheTime: 0 });
    const fh = await pc.getFeeHistory({ blockCount: 4, blockTag: 'latest', rewardPercentiles: [25, 75] });
    const count = Number(head + 1n < 4n ? head + 1n : 4n);
    assert.equal(fh.oldestBlock, head + 1n - BigInt(count));
    assert.equal(fh.baseFeePerGas.length, count + 1);
    assert.equal(fh.gasUsedRatio.length, count);
    assert.equal(fh.reward?.length, count);
    for (const r of fh.reward!) assert.equal(r.length, 2);
    for (const ratio of fh.gasUsedRatio) assert.ok(ratio >= 0 && ratio <= 1);
    // The transfer's block: one 21,000-gas tx of 30M, tip = 1e6 wei/gas.
    const i = Number(transfer.blockNumber - fh.oldestBlock);
    if (i >= 0 && i < count) {
      const b = await pc.getBlock({ blockNumber: transfer.blockNumber });
      assert.equal(fh.gasUsedRatio[i], Number(b.gasUsed) / 30_000_000);
      assert.equal(fh.baseFeePerGas[i], b.baseFeePerGas);
      assert.deepEqual(fh.reward![i], [1_000_000n, 1_000_000n]);
    }
  });

  let storeAddr: Address;
  it('deploys a contract and reads its code, storage and state', async () => {
    const pc = t.publicClient;
    const hash = await t.wallet(0).deployContract({ abi: store.abi, bytecode: store.bytecode, args: [7n] });
    const receipt = await pc.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 10_000 });
    assert.equal(receipt.status, 'success');
    assert.ok(receipt.contractAddress);
    assert.equal(receipt.to, null);
    storeAddr = receipt.contractAddress;

    const code = await pc.getCode({ address: storeAddr });
    assert.ok(code !== undefined && code.length > 2 && code.length < store.bytecode.length, 'runtime code is deployed');
    assert.equal(await pc.getCode({ address: storeAddr, blockNumber: receipt.blockNumber - 1n }), undefined);
    assert.equal(await pc.readContract({ address: storeAddr, abi: store.abi, functionName: 'value' }), 7n);
    assert.equal(
      ((await pc.readContract({ address: storeAddr, abi: store.abi, functionName: 'owner' })) as string).toLowerCase(),
      devAccount(0).address.toLowerCase(),
    );
    assert.equal(await pc.getStorageAt({ address: storeAddr, slot: '0x0' }), pad('0x07', { size: 32 }));
    assert.equal(await pc.getStorageAt({ address: storeAddr, slot: '0x1' }), pad(devAccount(0).address.toLowerCase() as Hex, { size: 32 }));
    assert.equal(await pc.getStorageAt({ address: storeAddr, slot: '0x2' }), pad('0x00', { size: 32 }));
  });

  it('writes the contract and finds its events by address and topic', async () => {
    const pc = t.publicClient;
    const gas = await pc.estimateContractGas({ address: storeAddr, abi: store.abi, functionName: 'set', args: [42n, 'hello'], account: devAccount(0).address });
    assert.ok(gas > 21_000n);

    const h1 = await t.wallet(0).writeContract({ address: storeAddr, abi: store.abi, functionName: 'set', args: [42n, 'hello'] });
    const r1 = await pc.waitForTransactionReceipt({ hash: h1, pollingInterval: 50, timeout: 10_000 });
    assert.equal(r1.status, 'success');
    assert.ok(r1.gasUsed <= gas);
    const h2 = await t.wallet(2).writeContract({ address: storeAddr, abi: store.abi, functionName: 'set', args: [99n, 'other'] });
    const r2 = await pc.waitForTransactionReceipt({ hash: h2, pollingInterval: 50, timeout: 10_000 });
    assert.equal(r2.status, 'success');

    assert.equal(await pc.readContract({ address: storeAddr, abi: store.abi, functionName: 'value' }), 99n);
    assert.equal(await pc.readContract({ address: storeAddr, abi: store.abi, functionName: 'value', blockNumber: r1.blockNumber }), 42n);
    assert.equal(await pc.getStorageAt({ address: storeAddr, slot: '0x0' }), pad('0x63', { size: 32 }));

    // The receipt's logs decode to the event.
    const [ev1] = parseEventLogs({ abi: store.abi, logs: r1.logs, eventName: 'ValueSet' }) as unknown as Array<{ args: { sender: Address; value: bigint; note: string } }>;
    assert.deepEqual(ev1?.args, { sender: devAccount(0).address, value: 42n, note: 'hello' });

    const event = getAbiItem({ abi: store.abi, name: 'ValueSet' }) as Extract<Abi[number], { type: 'event' }>;
    const all = await pc.getLogs({ address: storeAddr, event, fromBlock: 0n, toBlock: 'latest' });
    assert.deepEqual(all.map((l) => l.transactionHash), [h1, h2]);
    assert.equal(all[0]!.blockNumber, r1.blockNumber);
    assert.equal(all[0]!.topics[0], toEventSelector(event));

    // Indexed-topic filter (value == 42).
    const by42 = await pc.getLogs({ address: storeAddr, event, args: { value: 42n }, fromBlock: 0n, toBlock: 'latest' });
    assert.deepEqual(by42.map((l) => l.transactionHash), [h1]);
    // A topic nobody emitted; another address.
    assert.equal((await pc.getLogs({ address: storeAddr, event, args: { value: 5n }, fromBlock: 0n, toBlock: 'latest' })).length, 0);
    assert.equal((await pc.getLogs({ address: devAccount(3).address, event, fromBlock: 0n, toBlock: 'latest' })).length, 0);

    const bySender = await pc.getContractEvents({ address: storeAddr, abi: store.abi, eventName: 'ValueSet', args: { sender: devAccount(2).address }, fromBlock: 0n });
    assert.equal(bySender.length, 1);
    assert.deepEqual((bySender[0] as unknown as { args: unknown }).args, { sender: devAccount(2).address, value: 99n, note: 'other' });
    // Range that excludes the second write.
    const early = await pc.getContractEvents({ address: storeAddr, abi: store.abi, eventName: 'ValueSet', fromBlock: 0n, toBlock: r1.blockNumber });
    assert.deepEqual(early.map((l) => l.transactionHash), [h1]);
  });

  it('gives a reverting eth_call the Solidity reason (viem ContractFunctionRevertedError)', async () => {
    const pc = t.publicClient;
    const before = await pc.readContract({ address: storeAddr, abi: store.abi, functionName: 'value' });
    await assert.rejects(
      pc.simulateContract({ address: storeAddr, abi: store.abi, functionName: 'set', args: [13n, 'x'], account: devAccount(0).address }),
      (e: unknown) => {
        const revert = findCause(e, ContractFunctionRevertedError);
        assert.ok(revert, `expected ContractFunctionRevertedError, got ${String(e)}`);
        assert.equal(revert.reason, 'unlucky number');
        assert.equal(revert.data?.errorName, 'Error');
        return true;
      },
    );
    await assert.rejects(
      pc.estimateContractGas({ address: storeAddr, abi: store.abi, functionName: 'set', args: [13n, 'x'], account: devAccount(0).address }),
      (e: unknown) => {
        assert.equal(findCause(e, ContractFunctionRevertedError)?.reason, 'unlucky number');
        return true;
      },
    );
    // On the wire: geth's code 3 with the revert data.
    const raw = await rpcCall(t.url, 'eth_call', [
      { from: devAccount(0).address, to: storeAddr, data: encodeFunctionData({ abi: store.abi, functionName: 'set', args: [13n, 'x'] }) },
      'latest',
    ]);
    assert.equal(raw.error?.code, 3);
    assert.equal(raw.error?.message, 'execution reverted: unlucky number');
    assert.match(String(raw.error?.data), /^0x08c379a0/);
    assert.equal(await pc.readContract({ address: storeAddr, abi: store.abi, functionName: 'value' }), before);
  });
});
