/**
 * The sequencer process (embedded mode): L2 JSON-RPC, mempool, block builder with the parallel
 * executor, and the batcher and proposer posting to L1. Configured by environment variables
 * (see `.env.example`); expects `DATA_DIR/addresses.json` written by the L1 deployment
 * (`npm run devnet` does both).
 *
 * SIGINT/SIGTERM stop it cleanly: block production stops after the current block, the RPC closes,
 * the batcher/proposer finish their current L1 tx, the database closes.
 */
import { join } from 'node:path';
import { createPublicClient, createWalletClient, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { Batcher } from './batcher/batcher.ts';
import { devnetRollupConfig } from './chain/config.ts';
import { loadConfig } from './config.ts';
import { readAddresses } from './l1/contracts.ts';
import { createLogger, pinoAdapter } from './log.ts';
import { SequencerNode } from './node/sequencer-node.ts';
import { Proposer } from './proposer/proposer.ts';
import { startRpcServer } from './rpc/server.ts';

const cfg = loadConfig();
const log = createLogger('sequencer');
const rollup = devnetRollupConfig({ chainId: cfg.l2ChainId, gasLimit: cfg.l2GasLimit });

const node = await SequencerNode.open({
  rollup,
  dataDir: cfg.dataDir,
  executorMode: cfg.executorMode,
  workers: cfg.executorWorkers,
  blockTimeMs: cfg.blockTimeMs,
  mempoolMaxPerSender: cfg.mempoolMaxPerSender,
  mempoolMaxTotal: cfg.mempoolMaxTotal,
  logger: log,
});
const rpc = await startRpcServer({
  backend: node,
  host: cfg.l2Host,
  port: cfg.l2Port,
  maxRequestBytes: cfg.rpcMaxRequestBytes,
  maxBatch: cfg.rpcMaxBatch,
});
node.start();
log.info({ url: rpc.url, chainId: Number(cfg.l2ChainId), executor: cfg.executorMode, workers: cfg.executorWorkers }, 'L2 JSON-RPC listening');

const addresses = readAddresses(join(cfg.dataDir, 'addresses.json'));
const transport = http(cfg.l1RpcUrl, { retryCount: 3 });
const publicClient = createPublicClient({ transport, pollingInterval: 250 }) as PublicClient;
const batcher = new Batcher({
  chain: node.store,
  publicClient,
  walletClient: createWalletClient({ account: privateKeyToAccount(cfg.sequencerKey), transport }),
  inbox: addresses.batchInbox,
  maxBlocksPerBatch: cfg.batchMaxBlocks,
  maxBatchBytes: cfg.batchMaxBytes,
  minIntervalMs: cfg.batchIntervalMs,
  logger: pinoAdapter(createLogger('batcher')),
});
const proposer = new Proposer({
  chain: node.store,
  publicClient,
  walletClient: createWalletClient({ account: privateKeyToAccount(cfg.proposerKey), transport }),
  oracle: addresses.outputOracle,
  inbox: addresses.batchInbox,
  faultBadRootBatch: cfg.faultBadRootBatch,
  intervalMs: cfg.proposeIntervalMs,
  logger: pinoAdapter(createLogger('proposer')),
});
batcher.start();
proposer.start();

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await Promise.allSettled([batcher.stop(), proposer.stop()]);
  await rpc.close();
  await node.close();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
