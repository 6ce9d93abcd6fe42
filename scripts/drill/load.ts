/**
 * The drills' small L2 load, sent as a client would (viem, local signing): an ERC-20 deployment
 * (the demo's OpenZeppelin token) and then alternating ETH and ERC-20 transfers, one at a time,
 * each awaited, so the txs spread over many L2 blocks and several batches.
 */
import { createPublicClient, createWalletClient, defineChain, http, parseEther, type Address, type Hex, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { devPrivateKeys } from '../../sequencer/chain/genesis.ts';
import { compileDemoToken } from '../demo/compile.ts';

/** One load tx. */
export interface LoadTx {
  kind: 'deploy' | 'eth' | 'erc20';
  hash: Hex;
  from: Address;
}

/** What {@link sendLoad} did. */
export interface LoadResult {
  txs: LoadTx[];
  token: Address;
  /** L2 block numbers of the first and last receipt seen. */
  firstBlock: bigint;
  lastBlock: bigint;
}

/** viem client for the L2 at `url`. */
export function l2Client(url: string, chainId = 901): PublicClient {
  return createPublicClient({ chain: l2Chain(url, chainId), transport: http(url, { retryCount: 2 }), pollingInterval: 100 }) as PublicClient;
}

function l2Chain(url: string, id: number) {
  return defineChain({ id, name: 'parallax-drill', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [url] } } });
}

/**
 * Sends the load: token deployment from dev account #10, then `rounds` x (ETH transfer #11 -> #12,
 * ERC-20 transfer #10 -> #13), each waited for.
 * @throws Error when a tx reverts or gets no receipt within 30 s.
 */
export async function sendLoad(url: string, rounds: number, chainId = 901): Promise<LoadResult> {
  const keys = devPrivateKeys(14);
  const [tokenOwner, ethSender] = [privateKeyToAccount(keys[10]!), privateKeyToAccount(keys[11]!)];
  const ethTo = privateKeyToAccount(keys[12]!).address;
  const tokenTo = privateKeyToAccount(keys[13]!).address;
  const chain = l2Chain(url, chainId);
  const transport = http(url, { retryCount: 2 });
  const pc = l2Client(url, chainId);
  const owner = createWalletClient({ chain, transport, account: tokenOwner });
  const sender = createWalletClient({ chain, transport, account: ethSender });
  const token = compileDemoToken();
  const txs: LoadTx[] = [];
  const blocks: bigint[] = [];
  const wait = async (tx: LoadTx) => {
    txs.push(tx);
    const r = await pc.waitForTransactionReceipt({ hash: tx.hash, timeout: 30_000 });
    if (r.status !== 'success') throw new Error(`load tx ${tx.kind} ${tx.hash} reverted`);
    blocks.push(r.blockNumber);
    return r;
  };
  const deploy = await owner.deployContract({ abi: token.abi, bytecode: token.bytecode, args: ['Drill', 'DRL', parseEther('1000000')] });
  const rec = await wait({ kind: 'deploy', hash: deploy, from: tokenOwner.address });
  const tokenAddress = rec.contractAddress!;
  for (let i = 0; i < rounds; i++) {
    await wait({ kind: 'eth', hash: await sender.sendTransaction({ to: ethTo, value: parseEther('0.001') * BigInt(i + 1) }), from: ethSender.address });
    const h = await owner.writeContract({ address: tokenAddress, abi: token.abi, functionName: 'transfer', args: [tokenTo, parseEther('1') * BigInt(i + 1)] });
    await wait({ kind: 'erc20', hash: h, from: tokenOwner.address });
  }
  return { txs, token: tokenAddress, firstBlock: blocks[0]!, lastBlock: blocks[blocks.length - 1]! };
}

/**
 * Re-reads every load tx's receipt (after rollbacks and D1 the txs may sit in other blocks).
 * @returns the txs without a successful receipt now.
 */
export async function missingReceipts(url: string, txs: LoadTx[]): Promise<LoadTx[]> {
  const pc = l2Client(url);
  const missing: LoadTx[] = [];
  for (const t of txs) {
    const r = await pc.getTransactionReceipt({ hash: t.hash }).catch(() => undefined);
    if (r === undefined || r.status !== 'success') missing.push(t);
  }
  return missing;
}

/**
 * One more ETH transfer (dev account #11 -> #12), waited for.
 * @throws Error when it reverts or gets no receipt within 30 s.
 */
export async function sendTransfer(url: string, chainId = 901): Promise<LoadTx> {
  const keys = devPrivateKeys(13);
  const account = privateKeyToAccount(keys[11]!);
  const wallet = createWalletClient({ chain: l2Chain(url, chainId), transport: http(url, { retryCount: 2 }), account });
  const hash = await wallet.sendTransaction({ to: privateKeyToAccount(keys[12]!).address, value: parseEther('0.0001') });
  const r = await l2Client(url, chainId).waitForTransactionReceipt({ hash, timeout: 30_000 });
  if (r.status !== 'success') throw new Error(`transfer ${hash} reverted`);
  return { kind: 'eth', hash, from: account.address };
}
