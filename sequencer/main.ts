/**
 * The sequencer process (embedded mode): L2 JSON-RPC, mempool, block builder with the parallel
 * executor, and the batcher and proposer posting to L1. Configured by environment variables
 * (see `.env.example`); expects `DATA_DIR/addresses.json` written by the L1 deployment
 * (`npm run devnet` does both).
 *
 * SIGINT/SIGTERM stop it cleanly: block production stops after the current block, the RPC closes,
 * the batcher/proposer finish their current L1 tx, the database closes.
 *
 * Dispute game (docs/dispute-game.md): the batcher checks every batch it posted with the
 * derivation rule and applies D1 before the proposer may propose it; the proposer's defender
 * plays its games (`PROVER_RPC_URL` for step attestations) and rolls the node back on
 * `OutputsDeleted`. Drill switches `FAULT_*` (see `.env.example`) make it misbehave on purpose.
 *
 * Scale-out mode (`REDIS_URL` set, see README): the node does not post itself; a
 * `QueueDispatcher` enqueues batch, output and verify jobs on BullMQ queues that
 * `npm run worker -- batcher|proposer|challenger` processes consume. The batch check (rule D1)
 * and the defender stay here.
 */
import { join } from 'node:path';
import { createPublicClient, createWalletClient, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { Batcher } from './batcher/batcher.ts';
import { BatchChecker } from './batcher/check.ts';
import { devnetRollupConfig } from './chain/config.ts';
import { loadConfig } from './config.ts';
import { readAddresses } from './l1/contracts.ts';
import { createLogger, pinoAdapter } from './log.ts';
import { SequencerNode } from './node/sequencer-node.ts';
import { Defender } from './proposer/defender.ts';
import { Proposer } from './proposer/proposer.ts';
import { QueueDispatcher } from './queue/dispatcher.ts';
import { openQueues, retryPolicyFromEnv, type Queues } from './queue/queues.ts';
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
  faultBadExecutionBlock: cfg.faultBadExecutionBlock,
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
const faults = {
  FAULT_BAD_ROOT_BATCH: cfg.faultBadRootBatch,
  FAULT_BAD_EXECUTION_BLOCK: cfg.faultBadExecutionBlock,
  FAULT_GARBAGE_BATCH: cfg.faultGarbageBatch,
  FAULT_LAZY_DEFENDER: cfg.faultLazyDefender ? 1 : undefined,
};
const armed = Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Number(v)]));
if (Object.keys(armed).length > 0) log.error(armed, 'FAULT DRILL switches armed: this node misbehaves on purpose');
const checker = new BatchChecker({
  publicClient,
  inbox: addresses.batchInbox,
  chain: node.store,
  replaceWithEmpty: (first, last) => node.replaceWithEmpty(first, last),
  fromBlock: addresses.deployedAtBlock,
  logger: pinoAdapter(createLogger('batcher')),
});
const batcher = new Batcher({
  chain: node.store,
  publicClient,
  walletClient: createWalletClient({ account: privateKeyToAccount(cfg.sequencerKey), transport }),
  inbox: addresses.batchInbox,
  maxBlocksPerBatch: cfg.batchMaxBlocks,
  maxBatchBytes: cfg.batchMaxBytes,
  minIntervalMs: cfg.batchIntervalMs,
  checker,
  exclusive: (fn) => node.exclusive(fn),
  faultGarbageBatch: cfg.faultGarbageBatch,
  logger: pinoAdapter(createLogger('batcher')),
});
const proposerWallet = createWalletClient({ account: privateKeyToAccount(cfg.proposerKey), transport });
const deletionsCursorKey = `defender.deletionsCursor.${addresses.outputOracle.toLowerCase()}`;
const defender = new Defender({
  publicClient,
  walletClient: proposerWallet,
  oracle: addresses.outputOracle,
  inbox: addresses.batchInbox,
  manager: addresses.disputeGameManager,
  chain: node.store,
  rollbackTo: (l2Block) => node.rollbackTo(l2Block),
  proverRpcUrl: cfg.proverRpcUrl,
  lazy: cfg.faultLazyDefender,
  fromBlock: addresses.deployedAtBlock,
  cursor: { get: () => node.store.getMeta(deletionsCursorKey), set: (v) => node.store.setMeta(deletionsCursorKey, v) },
  logger: pinoAdapter(createLogger('defender')),
});
const proposer = new Proposer({
  chain: node.store,
  publicClient,
  walletClient: proposerWallet,
  oracle: addresses.outputOracle,
  inbox: addresses.batchInbox,
  faultBadRootBatch: cfg.faultBadRootBatch,
  intervalMs: cfg.proposeIntervalMs,
  defender,
  checker,
  finalize: cfg.finalizeOutputs,
  logger: pinoAdapter(createLogger('proposer')),
});
let queues: Queues | undefined;
let dispatcher: QueueDispatcher | undefined;
if (cfg.redisUrl === undefined) {
  batcher.start();
  proposer.start();
} else {
  queues = openQueues(cfg.redisUrl);
  dispatcher = new QueueDispatcher({
    queues,
    chain: node.store,
    publicClient,
    addresses,
    policy: retryPolicyFromEnv(),
    maxBlocksPerBatch: cfg.batchMaxBlocks,
    checker,
    defender,
    intervalMs: cfg.batchIntervalMs,
    logger: pinoAdapter(createLogger('queue')),
  });
  dispatcher.start();
  log.info({ redis: cfg.redisUrl.replace(/\/\/[^@]*@/, '//***@') }, 'scale-out mode: batches, outputs and verification run as BullMQ jobs (npm run worker)');
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await Promise.allSettled([batcher.stop(), proposer.stop(), dispatcher?.stop()]);
  await queues?.close();
  await rpc.close();
  await node.close();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
