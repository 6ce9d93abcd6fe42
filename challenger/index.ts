/**
 * In-process entry point of the challenger (the `main.ts` process uses it too):
 * {@link startChallenger} opens (or resets) the challenger's database, and runs the loop and the
 * status server.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PublicClient, WalletClient } from 'viem';
import { devnetRollupConfig, type RollupConfig } from '../sequencer/chain/config.ts';
import type { RollupAddresses } from '../sequencer/l1/contracts.ts';
import { Challenger, type ChallengerStatus } from './challenger.ts';
import { ChallengerDb } from './db.ts';
import { L1Follower, openDerivedChain } from './derivation/index.ts';
import { consoleLogger, type Logger } from './log.ts';
import { startStatusServer, type StatusServer } from './status.ts';

export type { ChallengerStatus, VerdictStatus } from './challenger.ts';
export type { BatchRecord, GameRecord, MoveRecord, Verdict } from './db.ts';
export { Challenger } from './challenger.ts';
export { GamePlayer, type GameStatusJson } from './game.ts';
export { DEFAULT_PROVER_URL, requestStepAttestation, type StepAttestationJson } from '../prover-stub/client.ts';
export { DEFAULT_STATUS_PORT } from './status.ts';
/** The derivation library (also used by prover-stub/). */
export * from './derivation/index.ts';

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
  /** Prover-stub JSON-RPC URL for step attestations (default http://127.0.0.1:9547). */
  proverUrl?: string;
  /** Drill `FAULT_FALSE_CHALLENGE_BATCH`: challenge this agreeing batch and play dishonestly. */
  falseChallengeBatch?: bigint;
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
 * The database records which deployment it was derived from (see `openDerivedChain`): when it
 * belongs to another one, or to an older L1 history, it is deleted and everything is re-derived
 * from L1.
 *
 * @throws the status server's listen error; database errors; viem errors when L1 is unreachable.
 */
export async function startChallenger(opts: StartChallengerOptions): Promise<ChallengerHandle> {
  const logger = opts.logger ?? consoleLogger();
  const config = opts.rollupConfig ?? devnetRollupConfig();
  mkdirSync(opts.dataDir, { recursive: true });
  const path = join(opts.dataDir, CHALLENGER_DB_FILE);
  const { stateDb, chain, wiped, deployBlockHash } = await openDerivedChain({ publicClient: opts.publicClient, addresses: opts.addresses, path, config, logger });
  let challenger: Challenger;
  let server: StatusServer | null = null;
  try {
    const db = new ChallengerDb(stateDb.sqlite);
    const follower = new L1Follower({ publicClient: opts.publicClient, addresses: opts.addresses, chain, deployBlockHash, logger });
    challenger = new Challenger({
      publicClient: opts.publicClient,
      walletClient: opts.walletClient,
      addresses: opts.addresses,
      chain,
      follower,
      db,
      proverUrl: opts.proverUrl,
      falseChallengeBatch: opts.falseChallengeBatch,
      onL1Reset: opts.onL1Reset,
      pollMs: opts.pollMs,
      logger,
    });
    if (opts.rpcPort !== undefined && opts.rpcPort !== null) {
      server = await startStatusServer({ port: opts.rpcPort, host: opts.rpcHost, getStatus: () => challenger.status() });
    }
  } catch (err) {
    await chain.close();
    stateDb.close();
    throw err;
  }
  if (opts.autoStart ?? true) challenger.start();
  logger.info('challenger started', {
    l2Head: chain.head.number,
    genesis: chain.genesis.hash,
    inbox: opts.addresses.batchInbox,
    oracle: opts.addresses.outputOracle,
    account: opts.walletClient.account?.address,
    rpc: server?.url ?? null,
    proverUrl: challenger.games.proverUrl,
    ...(opts.falseChallengeBatch === undefined ? {} : { falseChallengeBatch: opts.falseChallengeBatch }),
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
      await chain.close();
      stateDb.close();
    },
  };
}
