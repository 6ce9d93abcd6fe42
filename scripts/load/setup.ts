/**
 * Prepares one target (the parallax L2 or a Hardhat node) for the load and pre-signs the load:
 * 1. deploys a DemoToken (OpenZeppelin ERC-20, `scripts/demo/compile.ts`) from dev account #0,
 *    through the demo's {@link Sender} (viem wallet client, receipts awaited);
 * 2. funds the load accounts with ETH (from dev accounts #1..#19) and tokens (from #0);
 * 3. reads each load account's pending nonce and signs every transfer with viem, so that signing
 *    is not part of what is timed.
 * Transfer `i` goes from load account `i mod A` to that account's own recipient, nonces in order.
 */
import { createPublicClient, createWalletClient, defineChain, encodeFunctionData, erc20Abi, http, keccak256, parseEther, toHex } from 'viem';
import type { Address, Chain, Hex, PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { deriveAccounts, DEV_ACCOUNTS, NonceBook } from '../demo/accounts.ts';
import { compileDemoToken } from '../demo/compile.ts';
import { GAS, TOKEN_SUPPLY } from '../demo/load.ts';
import { assertAllOk, Sender, type TxSpec } from '../demo/send.ts';

const TOKEN = 10n ** 18n;
/** Tokens and ETH each load account receives. */
export const FUND_TOKENS = 1_000_000n * TOKEN;
export const FUND_ETH = parseEther('1');

/** Private key of load account `i` (deterministic; never use outside a devnet). */
export function loadKey(i: number): Hex {
  return keccak256(toHex(`parallax-load account ${i}`));
}
/** The fixed recipient of load account `i`'s transfers (distinct per account). */
export function recipientOf(i: number): Address {
  return `0x10ad${i.toString(16).padStart(36, '0')}` as Address;
}

/** One pre-signed transfer. */
export interface SignedTransfer {
  raw: Hex;
  hash: Hex;
  /** Load account index and its nonce. */
  account: number;
  nonce: number;
}

export interface PreparedLoad {
  client: PublicClient;
  chain: Chain;
  token: Address;
  /** Every transfer, in send order per account (`byAccount[a]` indexes `txs`). */
  txs: SignedTransfer[];
  byAccount: number[][];
  /** Wei per gas, as signed. */
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  /** Gas limit of the target's latest block. */
  blockGasLimit: bigint;
}

/**
 * Deploys, funds and pre-signs the load on the node at `url`.
 * @param log progress lines.
 * @throws Error if a setup tx fails or the node does not answer.
 */
export async function prepareLoad(url: string, n: number, accounts: number, log: (m: string) => void): Promise<PreparedLoad> {
  const client = createPublicClient({ transport: http(url, { timeout: 30_000, retryCount: 0 }), pollingInterval: 100 }) as PublicClient;
  const chainId = await client.getChainId();
  const chain = defineChain({ id: chainId, name: `load-${chainId}`, nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [url] } } });
  const wallet = createWalletClient({ chain, transport: http(url, { timeout: 30_000 }) });
  const sender = new Sender({ publicClient: client, wallet, chain, nonces: new NonceBook(client), receiptTimeoutMs: 120_000 });
  const dev = deriveAccounts(0, DEV_ACCOUNTS);
  const [deployer, ...funders] = dev as [(typeof dev)[0], ...typeof dev];

  const compiled = compileDemoToken();
  const deploy: TxSpec = {
    kind: 'deploy',
    label: 'deploy DemoToken',
    to: null,
    gas: GAS.deployToken,
    send: (w, o) => w.deployContract({ ...o, abi: compiled.abi, bytecode: compiled.bytecode, args: ['Load token', 'LOAD', TOKEN_SUPPLY] }),
  };
  const r1 = await sender.run([{ account: deployer, txs: [deploy] }]);
  assertAllOk('deploy', r1.records);
  const token = r1.records[0]?.receipt?.contractAddress as Address | undefined;
  if (!token) throw new Error('deploy: no contractAddress in the receipt');
  log(`DemoToken at ${token} (chain ${chainId})`);

  const loadAccounts = Array.from({ length: accounts }, (_, i) => privateKeyToAccount(loadKey(i)));
  const tokenTxs: TxSpec[] = loadAccounts.map((a) => ({
    kind: 'fund',
    label: `tokens to ${a.address}`,
    to: token,
    recipient: a.address,
    gas: GAS.tokenTransfer,
    send: (w, o) => w.writeContract({ ...o, address: token, abi: erc20Abi, functionName: 'transfer', args: [a.address, FUND_TOKENS] }),
  }));
  const ethTxs: TxSpec[][] = funders.map(() => []);
  loadAccounts.forEach((a, i) =>
    ethTxs[i % funders.length]!.push({ kind: 'fund', label: `ETH to ${a.address}`, to: a.address, recipient: a.address, gas: GAS.ethTransfer, send: (w, o) => w.sendTransaction({ ...o, to: a.address, value: FUND_ETH }) }),
  );
  const r2 = await sender.run([{ account: deployer, txs: tokenTxs }, ...funders.flatMap((f, i) => (ethTxs[i]!.length > 0 ? [{ account: f, txs: ethTxs[i]! }] : []))]);
  assertAllOk('fund', r2.records);
  log(`${accounts} load accounts funded (${FUND_ETH / 10n ** 18n} ETH, ${FUND_TOKENS / TOKEN} tokens each)`);

  const nonces = await Promise.all(loadAccounts.map((a) => client.getTransactionCount({ address: a.address, blockTag: 'pending' })));
  const fees = await client.estimateFeesPerGas();
  // Headroom for the base fee rising under the load (12.5% per full block).
  const maxFeePerGas = fees.maxFeePerGas * 4n;
  const maxPriorityFeePerGas = fees.maxPriorityFeePerGas;
  const txs: SignedTransfer[] = [];
  const byAccount: number[][] = loadAccounts.map(() => []);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const a = i % accounts;
    const nonce = nonces[a]! + Math.floor(i / accounts);
    const raw = await loadAccounts[a]!.signTransaction({
      chainId,
      type: 'eip1559',
      nonce,
      to: token,
      data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [recipientOf(a), TOKEN + BigInt(i)] }),
      gas: GAS.tokenTransfer,
      maxFeePerGas,
      maxPriorityFeePerGas,
    });
    byAccount[a]!.push(txs.length);
    txs.push({ raw, hash: keccak256(raw), account: a, nonce });
  }
  log(`${n} transfers pre-signed in ${((performance.now() - t0) / 1000).toFixed(1)} s (max fee ${maxFeePerGas} wei/gas, tip ${maxPriorityFeePerGas})`);
  const latest = await client.getBlock();
  return { client, chain, token, txs, byAccount, maxFeePerGas, maxPriorityFeePerGas, blockGasLimit: latest.gasLimit };
}
