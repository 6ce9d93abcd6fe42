/**
 * Runs Ethereum blockchain-test vectors against the parallax executors.
 *
 *   npm run vectors -- <file-or-folder>... [--mode sequential|parallel|both] [--workers N] [--shared-db] [--verbose]
 *
 * Prints every failing test with its first difference, then `N passed, M failed, K skipped` and
 * one line per skip reason with its count. Each test runs on a fresh temporary state database and
 * a fresh executor; `--shared-db` uses one database and one executor (per mode) for the whole run
 * instead: same checks, and the parallel executor's worker pool starts once, not once per test. Exit code: 0 all ran tests passed, 1 a test failed,
 * 2 bad usage or unreadable input. In `both` mode a test passes only if it passes in both modes.
 * See sequencer/vectors/run.ts for what is compared.
 */
import { parseArgs } from 'node:util';
import { ParallaxError } from '../sequencer/errors.ts';
import { runVectors, summaryLines, type VectorsMode } from '../sequencer/vectors/run.ts';

const USAGE = 'usage: npm run vectors -- <file-or-folder>... [--mode sequential|parallel|both] [--workers N] [--shared-db] [--verbose]';
const MODES: readonly VectorsMode[] = ['sequential', 'parallel', 'both'];

function fail(msg: string): never {
  console.error(`vectors: ${msg}\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      mode: { type: 'string', default: 'sequential' },
      workers: { type: 'string' },
      'shared-db': { type: 'boolean', default: false },
      verbose: { type: 'boolean', short: 'v', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (err) {
  fail((err as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length === 0) fail('no file or folder given');
const mode = values.mode as VectorsMode;
if (!MODES.includes(mode)) fail(`--mode must be one of ${MODES.join(', ')}, not ${values.mode}`);
let workers: number | undefined;
if (values.workers !== undefined) {
  workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) fail(`--workers must be a positive integer, not ${values.workers}`);
}

const t0 = performance.now();
let summary;
try {
  summary = await runVectors(positionals, {
    mode,
    workers,
    sharedDb: values['shared-db'],
    onResult: (r) => {
      if (r.outcome.status === 'failed') console.log(`FAIL ${r.file} ${r.name}: ${r.outcome.difference}`);
      else if (values.verbose) console.log(`${r.outcome.status === 'passed' ? 'ok  ' : 'skip'} ${r.file} ${r.name}`);
    },
  });
} catch (err) {
  if (err instanceof ParallaxError) fail(err.message);
  throw err;
}
console.error(`vectors: ${mode} mode, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (const line of summaryLines(summary)) console.log(line);
process.exitCode = summary.failed > 0 ? 1 : 0;
