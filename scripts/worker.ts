/**
 * `npm run worker -- batcher|proposer|challenger|status`: a scale-out worker process (see README
 * "Scale-out mode (BullMQ/Redis)"). Needs `REDIS_URL` (the same Redis as the sequencer).
 *
 * - `batcher`: consumes `parallax:batches`, posts batches with SEQUENCER_PRIVATE_KEY.
 * - `proposer`: consumes `parallax:outputs`, proposes (and finalizes) outputs with PROPOSER_PRIVATE_KEY.
 * - `challenger`: runs a full challenger (own DATA_DIR/challenger.sqlite, derives from L1 alone,
 *   challenges wrong outputs, status on CHALLENGER_RPC_PORT) and answers `parallax:verify` jobs
 *   with its verdicts. Run one per machine, each with its own CHALLENGER_PRIVATE_KEY.
 * - `status`: prints the job counts and failed jobs of the three queues (JSON) and exits.
 * - `retry-failed`: moves every failed job of the three queues back to waiting (fresh attempts), e.g.
 *   after fixing what made it fail (a dedup id stays taken while its job is in the failed set).
 *
 * Environment: REDIS_URL, L1_RPC_URL, L2_RPC_URL (the sequencer's JSON-RPC: workers read the L2
 * blocks from it), the keys, BATCH_MAX_BLOCKS/BATCH_MAX_BYTES, FINALIZE_OUTPUTS,
 * QUEUE_CONCURRENCY (default 1), VERIFY_WAIT_MS (default 10000), PROVER_RPC_URL,
 * CHALLENGER_POLL_MS, WORKER_ID (default host:pid). The L1 addresses come from the sequencer via
 * Redis (`parallax:addresses`), or from `ADDRESSES_FILE` when set.
 * SIGINT/SIGTERM: finish the job in progress, close the worker and its connections, exit 0.
 */
import { hostname } from 'node:os';
import { createPublicClient, createWalletClient, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startChallenger } from '../challenger/index.ts';
import { consoleLogger, errMessage } from '../sequencer/batcher/log.ts';
import { loadConfig } from '../sequencer/config.ts';
import { readAddresses, type RollupAddresses } from '../sequencer/l1/contracts.ts';
import { batchHandler, outputHandler, verifyHandler } from '../sequencer/queue/handlers.ts';
import { RpcBlockSource } from '../sequencer/queue/l2-source.ts';
import { ADDRESSES_KEY, openQueues, queueStatus, redisConnection, startQueueWorker, type QueueWorker } from '../sequencer/queue/queues.ts';

const role = process.argv[2];
const roles = ['batcher', 'proposer', 'challenger', 'status', 'retry-failed'];
if (role === undefined || !roles.includes(role)) {
  console.error(`usage: npm run worker -- ${roles.join('|')}\nEnvironment: REDIS_URL (required), L1_RPC_URL, L2_RPC_URL, keys; see .env.example`);
  process.exit(2);
}
const cfg = loadConfig();
if (cfg.redisUrl === undefined) {
  console.error('REDIS_URL is not set: workers only exist in scale-out mode (see README "Scale-out mode (BullMQ/Redis)")');
  process.exit(2);
}
const redisUrl = cfg.redisUrl;
const env = process.env;
const logger = consoleLogger(`worker-${role}`);

if (role === 'status' || role === 'retry-failed') {
  const queues = openQueues(redisUrl);
  try {
    if (role === 'retry-failed') {
      for (const q of [queues.batches, queues.outputs, queues.verify]) await q.retryJobs({ state: 'failed' });
    }
    console.log(JSON.stringify(await queueStatus(queues), null, 2));
  } finally {
    await queues.close();
  }
  process.exit(0);
}

/**
 * The addresses the sequencer published in Redis (waits for them); with `ADDRESSES_FILE` set,
 * that file instead. Jobs name their contracts, and a worker refuses jobs for another deployment.
 */
async function addresses(): Promise<RollupAddresses> {
  if (env.ADDRESSES_FILE) return readAddresses(env.ADDRESSES_FILE);
  const conn = redisConnection(redisUrl);
  try {
    for (;;) {
      const json = await conn.get(ADDRESSES_KEY);
      if (json !== null) {
        const a = JSON.parse(json) as Record<string, unknown>;
        return { ...(a as unknown as RollupAddresses), deployedAtBlock: BigInt(a.deployedAtBlock as string) };
      }
      logger.info('waiting for the L1 addresses (sequencer not started in scale-out mode?)', { redisKey: ADDRESSES_KEY });
      await new Promise((r) => setTimeout(r, 2000));
    }
  } finally {
    await conn.quit().catch(() => undefined);
  }
}

const a = await addresses();
const transport = http(cfg.l1RpcUrl, { retryCount: 3 });
const publicClient = createPublicClient({ transport, pollingInterval: 250 }) as PublicClient;
const l2Url = env.L2_RPC_URL || `http://${cfg.l2Host}:${cfg.l2Port}`;
const source = new RpcBlockSource(l2Url);
const concurrency = Number(env.QUEUE_CONCURRENCY ?? 1);
const workerId = env.WORKER_ID || `${hostname()}:${process.pid}`;
let stopChallenger: (() => Promise<void>) | undefined;
let worker: QueueWorker;

if (role === 'batcher') {
  const walletClient = createWalletClient({ account: privateKeyToAccount(cfg.sequencerKey), transport });
  const handler = batchHandler({ source, publicClient, walletClient, inbox: a.batchInbox, maxBlocksPerBatch: cfg.batchMaxBlocks, maxBatchBytes: cfg.batchMaxBytes, logger });
  worker = startQueueWorker(redisUrl, 'batches', handler, { concurrency, logger });
} else if (role === 'proposer') {
  const walletClient = createWalletClient({ account: privateKeyToAccount(cfg.proposerKey), transport });
  const handler = outputHandler({
    source,
    publicClient,
    walletClient,
    oracle: a.outputOracle,
    inbox: a.batchInbox,
    finalize: cfg.finalizeOutputs,
    faultBadRootBatch: cfg.faultBadRootBatch,
    logger,
  });
  worker = startQueueWorker(redisUrl, 'outputs', handler, { concurrency, logger });
} else {
  const account = privateKeyToAccount(cfg.challengerKey);
  const handle = await startChallenger({
    publicClient,
    walletClient: createWalletClient({ account, transport }),
    addresses: a,
    dataDir: cfg.dataDir,
    pollMs: Number(env.CHALLENGER_POLL_MS ?? 1000),
    rpcPort: cfg.challengerPort,
    proverUrl: cfg.proverRpcUrl,
    logger,
    onL1Reset: () => {
      logger.error('L1 was reset: exiting (restart the worker to re-derive from the new L1)');
      void shutdown('L1_RESET', 1);
    },
  });
  stopChallenger = () => handle.stop();
  const handler = verifyHandler({
    verdictOf: (i) => handle.status().verdicts.find((v) => BigInt(v.batchIndex) === i),
    verifier: `${workerId} ${account.address}`,
    waitMs: Number(env.VERIFY_WAIT_MS ?? 10_000),
  });
  worker = startQueueWorker(redisUrl, 'verify', handler, { concurrency, logger });
}
logger.info('worker started', { role, inbox: a.batchInbox, oracle: a.outputOracle, redis: redisUrl.replace(/\/\/[^@]*@/, '//***@'), l1: cfg.l1RpcUrl, l2: l2Url, workerId, concurrency });

let stopping = false;
async function shutdown(signal: string, code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info('stopping', { signal });
  try {
    await worker.close();
    await stopChallenger?.();
  } catch (err) {
    logger.error('error while stopping', { err: errMessage(err) });
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
