/**
 * The prover-stub process: `node prover-stub/main.ts`.
 *
 * Environment:
 * - `L1_RPC_URL` (default http://127.0.0.1:8545)
 * - `DATA_DIR` (default ./data): reads `addresses.json` (waits for it), writes `prover.sqlite`
 * - `PROVER_PRIVATE_KEY` (default L1 dev account #4, `devPrivateKeys(5)[4]`)
 * - `PROVER_RPC_PORT` (default 9547; JSON-RPC on 127.0.0.1)
 * - `PROVER_POLL_MS` (default 1000)
 *
 * When the L1 is reset under it, it stops, waits for the addresses file again and restarts (which
 * wipes its database and re-derives). SIGINT/SIGTERM stop the loop and the server and close the
 * database, then exit 0.
 */
import { createPublicClient, http, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { consoleLogger, errMessage } from '../challenger/derivation/index.ts';
import { runRestartingService } from '../challenger/derivation/service.ts';
import { devPrivateKeys } from '../sequencer/chain/genesis.ts';
import { startProver, type ProverHandle } from './index.ts';
import { DEFAULT_PROVER_PORT } from './server.ts';

const logger = consoleLogger('prover-stub');
const env = process.env;
const l1RpcUrl = env.L1_RPC_URL ?? 'http://127.0.0.1:8545';
const dataDir = env.DATA_DIR ?? './data';
const key = (env.PROVER_PRIVATE_KEY ?? devPrivateKeys(5)[4]!) as Hex;
const pollMs = Number(env.PROVER_POLL_MS ?? 1000);
const rpcPort = Number(env.PROVER_RPC_PORT ?? DEFAULT_PROVER_PORT);
if (!Number.isFinite(pollMs) || pollMs <= 0 || !Number.isInteger(rpcPort) || rpcPort < 0 || rpcPort > 65535) {
  logger.error('bad PROVER_POLL_MS or PROVER_RPC_PORT', { pollMs: env.PROVER_POLL_MS, rpcPort: env.PROVER_RPC_PORT });
  process.exit(2);
}
let account;
try {
  account = privateKeyToAccount(key);
} catch (err) {
  logger.error('bad PROVER_PRIVATE_KEY', { err: errMessage(err) });
  process.exit(2);
}

const publicClient = createPublicClient({ transport: http(l1RpcUrl) });

await runRestartingService({
  name: 'prover-stub',
  dataDir,
  logger,
  start: (addresses, onL1Reset): Promise<ProverHandle> => startProver({ publicClient, addresses, dataDir, account, pollMs, rpcPort, logger, onL1Reset }),
});
