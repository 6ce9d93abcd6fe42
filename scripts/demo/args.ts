/**
 * Command line and environment of `npm run demo`.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const USAGE = `usage: npm run demo -- [--txs N] [--json FILE] [--no-l1]

  --txs N      transactions in the mixed load (default 400)
  --json FILE  also write the figures as JSON (path relative to where you ran the command)
  --no-l1      skip waiting for L1 batches and the challenger (development against a plain
               Hardhat node only; the demo then cannot fail on a verdict)

environment: L2_RPC_URL (default http://127.0.0.1:9545), L1_RPC_URL (http://127.0.0.1:8545),
CHALLENGER_RPC_URL (http://127.0.0.1:9546), DATA_DIR (data: holds addresses.json)`;

/** Resolved demo options. URLs are JSON-RPC HTTP endpoints. */
export interface DemoOptions {
  txs: number;
  json?: string;
  noL1: boolean;
  l2Url: string;
  l1Url: string;
  challengerUrl: string;
  /** Absolute path of the folder holding `addresses.json`. */
  dataDir: string;
}

/**
 * Parses `argv` (without node and script) and the environment.
 * @returns The options, or `{ help: string }` for `--help`.
 * @throws TypeError on an unknown flag or a bad `--txs`.
 */
export function parseDemoArgs(argv: string[], env: NodeJS.ProcessEnv, root: string): DemoOptions | { help: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      txs: { type: 'string', default: '400' },
      json: { type: 'string' },
      'no-l1': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return { help: USAGE };
  const txs = Number(values.txs);
  if (!Number.isInteger(txs) || txs < 1) throw new TypeError(`--txs must be a positive integer, got ${values.txs}\n${USAGE}`);
  const opts: DemoOptions = {
    txs,
    noL1: values['no-l1'],
    l2Url: env.L2_RPC_URL || 'http://127.0.0.1:9545',
    l1Url: env.L1_RPC_URL || 'http://127.0.0.1:8545',
    challengerUrl: env.CHALLENGER_RPC_URL || 'http://127.0.0.1:9546',
    dataDir: resolve(root, env.DATA_DIR || 'data'),
  };
  // Relative to where the user typed the command (`scripts/px` and npm both cd to the repo root).
  if (values.json !== undefined) opts.json = resolve(env.PX_CWD || env.INIT_CWD || process.cwd(), values.json);
  return opts;
}
