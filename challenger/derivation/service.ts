/**
 * The process loop shared by the challenger and the prover-stub: wait for the L1 addresses file,
 * start the service, restart it when the L1 is reset under it (the in-memory Hardhat L1
 * restarted: the service then wipes its database and re-derives), retry when starting fails (L1
 * not up yet, addresses file being rewritten, port busy), and stop cleanly on SIGINT/SIGTERM.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readAddresses, type RollupAddresses } from '../../sequencer/l1/contracts.ts';
import { errMessage, type Logger } from '../log.ts';

export interface RestartingServiceOptions {
  /** Name for log lines ("challenger", "prover-stub"). */
  name: string;
  dataDir: string;
  logger: Logger;
  /** Starts the service; it must call `onL1Reset` when it sees the L1 reset. */
  start(addresses: RollupAddresses, onL1Reset: () => void): Promise<{ stop(): Promise<void> }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the loop until SIGINT/SIGTERM, then exits the process with code 0. */
export async function runRestartingService(o: RestartingServiceOptions): Promise<never> {
  let stopping = false;
  let wake: (() => void) | undefined;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    o.logger.info('stopping', { signal });
    wake?.();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  const addressesFile = join(o.dataDir, 'addresses.json');
  while (!stopping) {
    if (!existsSync(addressesFile)) {
      o.logger.info('waiting for the L1 addresses file', { file: addressesFile });
      await sleep(1000);
      continue;
    }
    let reset = false;
    let handle: { stop(): Promise<void> };
    try {
      handle = await o.start(readAddresses(addressesFile), () => {
        reset = true;
        wake?.();
      });
    } catch (err) {
      o.logger.error(`${o.name} failed to start; retrying`, { err: errMessage(err) });
      await sleep(2000);
      continue;
    }
    // run until a signal or an L1 reset
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (stopping || reset) resolve();
    });
    wake = undefined;
    await handle.stop();
    if (reset && !stopping) {
      o.logger.warn('L1 reset: restarting to re-derive from the new L1');
      await sleep(2000);
    }
  }
  process.exit(0);
}
