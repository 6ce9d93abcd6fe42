/**
 * In-process entry point of the challenger (the `main.ts` process uses it too):
 * {@link startChallenger} opens (or resets) the challenger's database, and runs the loop and the
 * status server.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PublicClient, WalletClient } from 'viem';
import { batchInboxAbi } from '../sequencer/l1/contracts.ts';
import { devnetRollupConfig, type RollupConfig } from '../sequencer/chain/config.ts';
import type { RollupAddresses } from '../sequencer/l1/contracts.ts';
import { Challenger, type ChallengerStatus } from './challenger.ts';
import { ChallengerDb } from './db.ts';
import { consoleLogger, type Logger } from './log.ts';
import { startStatusServer, type StatusServer } from './status.ts';
import { computeGenesis, Verifier } from './verify.ts';

export type { ChallengerStatus, VerdictStatus } from './challenger.ts';
export type { BatchRecord, Verdict } from './db.ts';
export { Challenger } from './challenger.ts';
export { DEFAULT_STATUS_PORT } from './status.ts';

/** File name of the challenger's database inside the data dir. */
export const CHALLENGER_DB_FILE = 'challenger.sqlite';

/** Options of {@link startChallenger}. */
export interface StartChallengerOptions {
  publicClient: PublicClient;
  /** Wallet whose `account` sends challenges and pays the bond. */
  walletClient: WalletClient;
  /** The L1 deployment to watch (see `readAddresses`). */
  addresses: RollupAddresses;
  /** Folder of `challenger.sqlite` (created if missing). */
  dataDir: string;
  /** Default `devnetRollupConfig()`. */
  rollupConfig?: RollupConfig;
  /** Loop interval, ms (default 1,000). */
  pollMs?: number;
  /** Status server port; 0 picks a free one; null (default) runs no server. */
  rpcPort?: number | null;
  /** Status server host (default 127.0.0.1). */
  rpcHost?: string;
  /** See `ChallengerOptions.onL1Reset`: the loop stopped because the L1 was reset. */
  onL1Reset?: () => void;
  /** Run the loop (default true). With false, drive it with `handle.challenger.tick()`. */
  autoStart?: boolean;
  logger?: Logger;
}

/** A running challenger. */
export interface ChallengerHandle {
  challenger: Challenger;
  /** Same object `parallax_challengerStatus` returns. */
  status(): ChallengerStatus;
  /** `http://host:port` of the status server, or null. */
  rpcUrl: string | null;
  /** True when the database belonged to another L1 deployment or genesis and was reset. */
  wiped: boolean;
  /** Stops the loop and the server and closes the database. */
  stop(): Promise<void>;
}

/**
 * Opens the challenger's database for this deployment and starts it.
 *
 * The database records which deployment it was derived from (inbox and oracle addresses,
 * `deployedAtBlock` and that L1 block's hash, L1 chain id, L2 genesis hash). When any differs, or
 * the last batch it recorded is no longer in the inbox at the same L1 block (e.g. the in-memory
 * Hardhat L1 restarted and the contracts were redeployed, possibly at the same addresses), the
 * file is deleted and everything is re-derived from L1.
 *
 * @throws the status server's listen error; database errors.
 */
export async function startChallenger(opts: StartChallengerOptions): Promise<ChallengerHandle> {
  const logger = opts.logger ?? consoleLogger();
  const config = opts.rollupConfig ?? devnetRollupConfig();
  mkdirSync(opts.dataDir, { recursive: true });
  const path = join(opts.dataDir, CHALLENGER_DB_FILE);

  const open = async () => {
    const stateDb = Verifier.openStateDb(path, config);
    const db = new ChallengerDb(stateDb.sqlite);
    const genesis = await computeGenesis(stateDb, config);
    return { stateDb, db, genesis };
  };
  let { stateDb, db, genesis } = await open();
  const deployBlockHash = (await opts.publicClient.getBlock({ blockNumber: opts.addresses.deployedAtBlock })).hash;
  const identity = JSON.stringify({
    batchInbox: opts.addresses.batchInbox.toLowerCase(),
    outputOracle: opts.addresses.outputOracle.toLowerCase(),
    deployedAtBlock: opts.addresses.deployedAtBlock.toString(),
    deployBlockHash,
    l1ChainId: opts.addresses.l1ChainId,
    l2Genesis: genesis.hash,
  });
  const stored = db.getMeta('identity');
  let wiped = false;
  const stale = stored !== undefined && (stored !== identity || !(await lastBatchStillOnL1(opts.publicClient, opts.addresses, db)));
  if (stale) {
    logger.warn('database belongs to another L1 deployment, L1 history or genesis; wiping and re-deriving from L1', { path, stored, now: identity });
    stateDb.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    ({ stateDb, db, genesis } = await open());
    wiped = true;
  }
  db.setMeta('identity', identity);

  const verifier = await Verifier.open(stateDb, config, db);
  const challenger = new Challenger({
    publicClient: opts.publicClient,
    walletClient: opts.walletClient,
    addresses: opts.addresses,
    verifier,
    db,
    deployBlockHash,
    onL1Reset: opts.onL1Reset,
    pollMs: opts.pollMs,
    logger,
  });
  let server: StatusServer | null = null;
  if (opts.rpcPort !== undefined && opts.rpcPort !== null) {
    try {
      server = await startStatusServer({ port: opts.rpcPort, host: opts.rpcHost, getStatus: () => challenger.status() });
    } catch (err) {
      stateDb.close();
      throw err;
    }
  }
  if (opts.autoStart ?? true) challenger.start();
  logger.info('challenger started', {
    l2Head: verifier.head.number,
    genesis: genesis.hash,
    inbox: opts.addresses.batchInbox,
    oracle: opts.addresses.outputOracle,
    account: opts.walletClient.account?.address,
    rpc: server?.url ?? null,
  });

  let stopped = false;
  return {
    challenger,
    status: () => challenger.status(),
    rpcUrl: server?.url ?? null,
    wiped,
    async stop() {
      if (stopped) return;
      stopped = true;
      await challenger.stop();
      await server?.close();
      await verifier.close();
      stateDb.close();
    },
  };
}

/** Whether the last batch recorded in `db` is still in the inbox, appended in the same L1 block. */
async function lastBatchStillOnL1(publicClient: PublicClient, a: RollupAddresses, db: ChallengerDb): Promise<boolean> {
  const last = db.batches().at(-1);
  if (last === undefined) return true;
  const abi = batchInboxAbi();
  const count = (await publicClient.readContract({ address: a.batchInbox, abi, functionName: 'batchCount' })) as bigint;
  if (count <= last.batchIndex) return false;
  const b = (await publicClient.readContract({ address: a.batchInbox, abi, functionName: 'getBatch', args: [last.batchIndex] })) as {
    firstBlock: bigint;
    lastBlock: bigint;
    l1Block: bigint;
  };
  return b.l1Block === last.l1Block && b.firstBlock === last.firstBlock && b.lastBlock === last.lastBlock;
}
