/**
 * The challenger process: `node challenger/main.ts`.
 *
 * Environment:
 * - `L1_RPC_URL` (default http://127.0.0.1:8545)
 * - `DATA_DIR` (default ./data): reads `addresses.json` (waits for it), writes `challenger.sqlite`
 * - `CHALLENGER_PRIVATE_KEY` (default L1 dev account #3)
 * - `CHALLENGER_POLL_MS` (default 1000)
 * - `CHALLENGER_RPC_PORT` (default 9546; status server on 127.0.0.1)
 * - `PROVER_RPC_URL` (default http://127.0.0.1:9547): the prover-stub, for step attestations
 * - `FAULT_FALSE_CHALLENGE_BATCH` (drill, unset by default): challenge that batch although its
 *   output agrees, disagree with every reveal, never step
 * - `REDIS_URL` (scale-out mode): this process still verifies every output from L1 on its own;
 *   the `parallax:verify` jobs are answered by `npm run worker -- challenger` (scripts/worker.ts,
 *   the same challenger plus a queue consumer), see README "Scale-out mode (BullMQ/Redis)".
 *
 * When the L1 is reset under it (the in-memory Hardhat L1 restarted), it stops, waits for the
 * addresses file again and restarts, which wipes its database and re-derives from L1.
 * SIGINT/SIGTERM stop the loop and the server and close the database, then exit 0.
 */
import { createPublicClient, createWalletClient, http, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { devPrivateKeys } from '../sequencer/chain/genesis.ts';
import { DEFAULT_PROVER_URL, startChallenger, type ChallengerHandle } from './index.ts';
import { runRestartingService } from './derivation/service.ts';
import { consoleLogger } from './log.ts';
import { DEFAULT_STATUS_PORT } from './status.ts';

const logger = consoleLogger();
const env = process.env;
const l1RpcUrl = env.L1_RPC_URL ?? 'http://127.0.0.1:8545';
const dataDir = env.DATA_DIR ?? './data';
const key = (env.CHALLENGER_PRIVATE_KEY ?? devPrivateKeys(4)[3]!) as Hex;
const pollMs = Number(env.CHALLENGER_POLL_MS ?? 1000);
const rpcPort = Number(env.CHALLENGER_RPC_PORT ?? DEFAULT_STATUS_PORT);
const proverUrl = env.PROVER_RPC_URL ?? DEFAULT_PROVER_URL;
if (!Number.isFinite(pollMs) || pollMs <= 0 || !Number.isInteger(rpcPort) || rpcPort < 0 || rpcPort > 65535) {
  logger.error('bad CHALLENGER_POLL_MS or CHALLENGER_RPC_PORT', { pollMs: env.CHALLENGER_POLL_MS, rpcPort: env.CHALLENGER_RPC_PORT });
  process.exit(2);
}
const falseRaw = env.FAULT_FALSE_CHALLENGE_BATCH;
if (falseRaw !== undefined && falseRaw !== '' && !/^(0|[1-9][0-9]*)$/.test(falseRaw)) {
  logger.error('bad FAULT_FALSE_CHALLENGE_BATCH (want a batch index)', { value: falseRaw });
  process.exit(2);
}
const falseChallengeBatch = falseRaw === undefined || falseRaw === '' ? undefined : BigInt(falseRaw);
if (env.REDIS_URL) {
  logger.info('REDIS_URL is set: verifying from L1 as usual; parallax:verify jobs are answered by `npm run worker -- challenger`');
}

const transport = http(l1RpcUrl);
const publicClient = createPublicClient({ transport });
const walletClient = createWalletClient({ account: privateKeyToAccount(key), transport });

await runRestartingService({
  name: 'challenger',
  dataDir,
  logger,
  start: (addresses, onL1Reset): Promise<ChallengerHandle> =>
    startChallenger({ publicClient, walletClient, addresses, dataDir, pollMs, rpcPort, proverUrl, falseChallengeBatch, logger, onL1Reset }),
});
