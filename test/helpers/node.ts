/**
 * An in-process sequencer node (SequencerNode + L2 JSON-RPC server on a free port) on a temp
 * data folder, and viem clients for it, used the way a user would use the real node.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createPublicClient, createWalletClient, defineChain, http, type Chain, type PublicClient, type WalletClient } from 'viem';
import { mnemonicToAccount, type HDAccount } from 'viem/accounts';
import { devnetRollupConfig } from '../../sequencer/chain/config.ts';
import { DEV_MNEMONIC } from '../../sequencer/chain/genesis.ts';
import type { Logger } from '../../sequencer/log.ts';
import { SequencerNode } from '../../sequencer/node/sequencer-node.ts';
import { startRpcServer, type RpcServer } from '../../sequencer/rpc/server.ts';

/** A pino logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A fresh folder under os.tmpdir(); the caller removes it (see {@link removeDir}). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** viem chain for the devnet L2 (chain 901) served at `url`. */
export function parallaxChain(url: string, id = 901): Chain {
  return defineChain({
    id,
    name: 'parallax-devnet',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
}

/** Dev account `i` of the Hardhat mnemonic (funded with 10,000 ETH at L2 genesis). */
export function devAccount(i: number): HDAccount {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i });
}

export interface TestNode {
  node: SequencerNode;
  rpc: RpcServer;
  url: string;
  dataDir: string;
  chain: Chain;
  publicClient: PublicClient;
  /** Wallet client signing locally with dev account `i`. */
  wallet(i: number): WalletClient<ReturnType<typeof http>, Chain, HDAccount>;
  /** Closes the RPC server and the node (idempotent). Does not remove the folder. */
  close(): Promise<void>;
}

/**
 * Opens a SequencerNode on `dataDir` (devnet config, parallel executor with 2 workers, silent
 * logs) and serves it on 127.0.0.1 at a free port.
 * @param opts.start Start block production (default true); without it txs stay in the mempool.
 * @param opts.blockTimeMs Default 100 ms.
 */
export async function openTestNode(opts: { dataDir: string; start?: boolean; blockTimeMs?: number }): Promise<TestNode> {
  const node = await SequencerNode.open({
    rollup: devnetRollupConfig(),
    dataDir: opts.dataDir,
    executorMode: 'parallel',
    workers: 2,
    blockTimeMs: opts.blockTimeMs ?? 100,
    logger: silentLogger(),
  });
  let rpc: RpcServer;
  try {
    rpc = await startRpcServer({ backend: node, host: '127.0.0.1', port: 0 });
  } catch (e) {
    await node.close();
    throw e;
  }
  if (opts.start !== false) node.start();
  const chain = parallaxChain(rpc.url);
  const transport = http(rpc.url, { retryCount: 0 });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient;
  let closed: Promise<void> | undefined;
  return {
    node,
    rpc,
    url: rpc.url,
    dataDir: opts.dataDir,
    chain,
    publicClient,
    wallet: (i) => createWalletClient({ chain, transport, account: devAccount(i) }),
    close: () => (closed ??= (async () => {
      await rpc.close();
      await node.close();
    })()),
  };
}
