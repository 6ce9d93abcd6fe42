/**
 * Command line and environment of `npm run load`.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const USAGE = `usage: npm run load -- [--txs N] [--accounts A] [--concurrency C] [--target both|l2|hardhat]
                       [--hardhat-port P] [--timeout S] [--json FILE]

  --txs N          ERC-20 transfers to send per target (default 2000)
  --accounts A     sending accounts; the txs are spread round-robin over them (default 50)
  --concurrency C  eth_sendRawTransaction requests in flight at most (default 32)
  --target         both (default): the parallax L2, then a plain Hardhat node as the peer figure;
                   l2 or hardhat: only that one
  --hardhat-port P port of the Hardhat node the load starts for the peer figure (default 8555;
                   it must be free)
  --timeout S      seconds to wait for receipts after the last send (default 120)
  --json FILE      also write the figures as JSON

environment: L2_RPC_URL (default http://127.0.0.1:9545). If nothing answers there, the load starts
scripts/devnet.ts --fresh (wipes DATA_DIR) like the demo does, and stops it before the peer run.`;

export interface LoadOptions {
  txs: number;
  accounts: number;
  concurrency: number;
  targets: Array<'l2' | 'hardhat'>;
  hardhatPort: number;
  /** Milliseconds. */
  timeoutMs: number;
  json?: string;
  l2Url: string;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`--${name} must be a positive integer, got ${v}\n${USAGE}`);
  return n;
}

/**
 * Parses `argv` (without node and script) and the environment.
 * @returns The options, or `{ help }` for `--help`.
 * @throws TypeError on an unknown flag or a bad value.
 */
export function parseLoadArgs(argv: string[], env: NodeJS.ProcessEnv, cwd: string): LoadOptions | { help: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      txs: { type: 'string', default: '2000' },
      accounts: { type: 'string', default: '50' },
      concurrency: { type: 'string', default: '32' },
      target: { type: 'string', default: 'both' },
      'hardhat-port': { type: 'string', default: '8555' },
      timeout: { type: 'string', default: '120' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return { help: USAGE };
  const t = values.target;
  const targets: LoadOptions['targets'] | undefined = t === 'both' ? ['l2', 'hardhat'] : t === 'l2' || t === 'hardhat' ? [t] : undefined;
  if (targets === undefined) throw new TypeError(`--target must be both, l2 or hardhat, got ${values.target}\n${USAGE}`);
  const opts: LoadOptions = {
    txs: positiveInt('txs', values.txs),
    accounts: positiveInt('accounts', values.accounts),
    concurrency: positiveInt('concurrency', values.concurrency),
    targets: [...targets],
    hardhatPort: positiveInt('hardhat-port', values['hardhat-port']),
    timeoutMs: positiveInt('timeout', values.timeout) * 1000,
    l2Url: env.L2_RPC_URL || 'http://127.0.0.1:9545',
  };
  if (values.json !== undefined) opts.json = resolve(cwd, values.json);
  return opts;
}
