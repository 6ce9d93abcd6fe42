/**
 * A polling loop for L1-facing services (batcher, proposer): runs `step` now and then again
 * after each interval, one step at a time. A failing step is logged and retried with a backoff
 * (interval x 2, x 4, ... capped at 30 s); it never rejects into the process.
 */
import { errMessage, type Logger } from './log.ts';

const MAX_BACKOFF_MS = 30_000;

export class PollLoop {
  private readonly name: string;
  private readonly step: () => Promise<boolean>;
  private readonly intervalMs: number;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private running = false;
  private failures = 0;

  /**
   * @param step one unit of work; resolves true when more work is ready now (run again at once).
   * @param intervalMs wait between steps, ms.
   */
  constructor(name: string, step: () => Promise<boolean>, intervalMs: number, logger: Logger) {
    this.name = name;
    this.step = step;
    this.intervalMs = intervalMs;
    this.logger = logger;
  }

  /** Starts the loop (no-op when running). The first step runs on the next macrotask. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops the loop and waits for a step in progress to finish. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  get isRunning(): boolean {
    return this.running;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.current = this.runOnce();
    }, ms);
  }

  private async runOnce(): Promise<void> {
    let delay = this.intervalMs;
    try {
      const more = await this.step();
      this.failures = 0;
      if (more) delay = 0;
    } catch (err) {
      this.failures++;
      delay = Math.min(MAX_BACKOFF_MS, this.intervalMs * 2 ** Math.min(this.failures, 10));
      this.logger.error(`${this.name} step failed; retrying`, { err: errMessage(err), failures: this.failures, retryInMs: delay });
    }
    this.schedule(delay);
  }
}
