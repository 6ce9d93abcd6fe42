/**
 * In-process entry point of the prover-stub (`main.ts` uses it too): {@link startProver} opens
 * (or resets) the prover's own derived chain (`DATA_DIR/prover.sqlite`), follows L1 and serves
 * `prover_attestStep`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Address, Hex, LocalAccount, PublicClient } from 'viem';
import { consoleLogger, L1Follower, openDerivedChain, TickLoop, type DerivedChain, type Logger } from '../challenger/derivation/index.ts';
import { devnetRollupConfig, type RollupConfig } from '../sequencer/chain/config.ts';
import type { RollupAddresses } from '../sequencer/l1/contracts.ts';
import { attestStep, type AttestContext, type SignedStepAttestation } from './attest.ts';
import { startProverServer, type ProverServer } from './server.ts';

export { AttestationError, attestationToJson, attestStep, type AttestContext, type SignedStepAttestation, type StepAttestation } from './attest.ts';
export { DEFAULT_PROVER_PORT, parseBlockNumber, startProverServer, type ProverServer } from './server.ts';

/** File name of the prover's database inside the data dir. */
export const PROVER_DB_FILE = 'prover.sqlite';

/** Options of {@link startProver}. */
export interface StartProverOptions {
  publicClient: PublicClient;
  /** The L1 deployment (its `stepVerifier` is the EIP-712 verifying contract). */
  addresses: RollupAddresses;
  /** Folder of `prover.sqlite` (created if missing). */
  dataDir: string;
  /** The prover key. */
  account: LocalAccount;
  /** Default `devnetRollupConfig()`. */
  rollupConfig?: RollupConfig;
  /** L1 poll interval, ms (default 1,000). */
  pollMs?: number;
  /** JSON-RPC port; 0 picks a free one; null (default) runs no server. */
  rpcPort?: number | null;
  /** JSON-RPC host (default 127.0.0.1). */
  rpcHost?: string;
  /** The loop stopped because the L1 was reset (restart to re-derive). */
  onL1Reset?: () => void;
  /** Follow L1 in the background (default true). With false, call `handle.sync()`. */
  autoStart?: boolean;
  logger?: Logger;
}

/** A running prover. */
export interface ProverHandle {
  chain: DerivedChain;
  /** Derives the batches appended since the last call. */
  sync(): Promise<void>;
  /** Same as the RPC method, in process. */
  attest(l2BlockNumber: bigint, preOutputRoot: Hex): Promise<SignedStepAttestation>;
  /** `http://host:port`, or null. */
  rpcUrl: string | null;
  signer: Address;
  /** True when the database belonged to another deployment and was reset. */
  wiped: boolean;
  stop(): Promise<void>;
}

/**
 * Opens the prover's derived chain for this deployment (wiping a stale one, as the challenger
 * does) and starts following L1 and serving.
 * @throws the server's listen error; database errors; viem errors when L1 is unreachable.
 */
export async function startProver(opts: StartProverOptions): Promise<ProverHandle> {
  const logger = opts.logger ?? consoleLogger('prover-stub');
  const config = opts.rollupConfig ?? devnetRollupConfig();
  mkdirSync(opts.dataDir, { recursive: true });
  const path = join(opts.dataDir, PROVER_DB_FILE);
  const { stateDb, chain, wiped, deployBlockHash } = await openDerivedChain({ publicClient: opts.publicClient, addresses: opts.addresses, path, config, logger });
  const follower = new L1Follower({ publicClient: opts.publicClient, addresses: opts.addresses, chain, deployBlockHash, logger });
  const ctx: AttestContext = {
    chain,
    account: opts.account,
    l1ChainId: opts.addresses.l1ChainId,
    stepVerifier: opts.addresses.stepVerifier,
  };
  const sync = async () => {
    await follower.sync();
  };
  const loop = new TickLoop({ tick: sync, pollMs: opts.pollMs ?? 1_000, logger, onL1Reset: opts.onL1Reset });
  let server: ProverServer | null = null;
  if (opts.rpcPort !== undefined && opts.rpcPort !== null) {
    try {
      server = await startProverServer({ port: opts.rpcPort, host: opts.rpcHost, ctx });
    } catch (err) {
      await chain.close();
      stateDb.close();
      throw err;
    }
  }
  if (opts.autoStart ?? true) loop.start();
  logger.info('prover-stub started', { l2Head: chain.head.number, signer: opts.account.address, stepVerifier: ctx.stepVerifier ?? null, rpc: server?.url ?? null, wiped });
  if (ctx.stepVerifier === undefined) logger.error('the addresses name no stepVerifier: attestations will be refused');
  let stopped = false;
  return {
    chain,
    sync,
    attest: (n, pre) => attestStep(ctx, n, pre),
    rpcUrl: server?.url ?? null,
    signer: opts.account.address,
    wiped,
    async stop() {
      if (stopped) return;
      stopped = true;
      await loop.stop();
      await server?.close();
      await chain.close();
      stateDb.close();
    },
  };
}
