/**
 * The polling loop of the challenger and the prover: runs `tick` every `pollMs`, one at a time;
 * a failing tick is logged and retried with backoff (pollMs x 2, x 4, ... capped at 30 s), except
 * `L1_RESET` when `onL1Reset` is given: then the loop stops and calls it.
 */
import { ParallaxError } from '../../sequencer/errors.ts';
import { errMessage, type Logger } from '../log.ts';

const MAX_BACKOFF_MS = 30_000;

export class TickLoop {
  private readonly tick: () => Promise<void>;
  private readonly pollMs: number;
  private readonly logger: Logger;
  private readonly onL1Reset: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private running = false;
  private failures = 0;

  constructor(opts: { tick: () => Promise<void>; pollMs: number; logger: Logger; onL1Reset?: () => void }) {
    this.tick = opts.tick;
    this.pollMs = opts.pollMs;
    this.logger = opts.logger;
    this.onL1Reset = opts.onL1Reset;
  }

  /** Starts the loop (no-op when running); the first tick runs on the next macrotask. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops the loop, waiting for a tick in progress. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.current = this.tick().then(
        () => {
          this.failures = 0;
          this.schedule(this.pollMs);
        },
        (err: unknown) => {
          if (err instanceof ParallaxError && err.code === 'L1_RESET' && this.onL1Reset !== undefined) {
            this.logger.error('L1 was reset; stopping the loop', { err: err.message });
            this.running = false;
            this.onL1Reset();
            return;
          }
          this.failures++;
          const delay = Math.min(MAX_BACKOFF_MS, this.pollMs * 2 ** Math.min(this.failures, 10));
          this.logger.error('tick failed; retrying', { err: errMessage(err), failures: this.failures, retryInMs: delay });
          this.schedule(delay);
        },
      );
    }, ms);
  }
}
