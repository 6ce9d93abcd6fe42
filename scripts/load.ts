/**
 * `npm run load`: an ERC-20 transfer load, signed with viem before timing, sent through JSON-RPC
 * with bounded concurrency, first to the parallax L2 (the devnet at L2_RPC_URL, started with
 * `scripts/devnet.ts --fresh` if nothing answers there, as the demo does), then to a plain
 * Hardhat node with 1 s interval mining as the peer figure. Reports, side by side, accepted tx/s
 * (sendRawTransaction acks), executed tx/s (successful receipts) and send-to-receipt latency
 * percentiles. Exits 1 if a tx failed or got no receipt. Flags: `load/args.ts`.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDevnet, type DevnetHandle } from './demo/devnet.ts';
import { fetchBlockExecutions } from './demo/report.ts';
import { parseLoadArgs, type LoadOptions } from './load/args.ts';
import { setIntervalMining, startHardhatNode, type StartedNode } from './load/hardhat.ts';
import { formatLoadTable, writeLoadJson, type TargetResult } from './load/report.ts';
import { loadFigures, sendLoad } from './load/send.ts';
import { prepareLoad } from './load/setup.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Block time the peer Hardhat node mines at, mirroring the L2's default L2_BLOCK_TIME_MS. */
const PEER_BLOCK_MS = 1000;
const t0 = performance.now();
const log = (msg: string) => console.log(`[load ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);

async function runTarget(name: string, url: string, opts: LoadOptions, blockTimeMs: number, beforeLoad?: (blockGasLimit: bigint) => Promise<bigint>): Promise<TargetResult> {
  log(`${name}: setting up at ${url}`);
  const prep = await prepareLoad(url, opts.txs, opts.accounts, (m) => log(`${name}: ${m}`));
  const blockGasLimit = beforeLoad ? await beforeLoad(prep.blockGasLimit) : prep.blockGasLimit;
  log(`${name}: sending ${opts.txs} transfers from ${opts.accounts} accounts, at most ${opts.concurrency} requests in flight`);
  const run = await sendLoad(prep.client, prep.txs, prep.byAccount, { concurrency: opts.concurrency, timeoutMs: opts.timeoutMs });
  const figures = loadFigures(run);
  log(`${name}: ${figures.executed}/${figures.txs} executed in ${figures.totalSeconds.toFixed(2)} s over ${figures.blocks} blocks`);
  const result: TargetResult = { name, url, chainId: prep.chain.id, blockTimeMs, blockGasLimit: blockGasLimit.toString(), figures };
  if (name.startsWith('parallax')) {
    const stats = await fetchBlockExecutions(prep.client, [...run.blocks.keys()].sort((a, b) => (a < b ? -1 : 1)));
    if (typeof stats === 'string') result.execution = stats;
    else if (stats.size > 0) {
      const s = [...stats.values()];
      result.execution = {
        mode: s[0]!.mode,
        workers: s[0]!.workers,
        blocks: s.length,
        groupsPerBlock: s.reduce((a, b) => a + b.groups, 0) / s.length,
        reexecuted: s.reduce((a, b) => a + b.reexecuted, 0),
        executeMsPerBlock: s.reduce((a, b) => a + b.ms, 0) / s.length,
      };
    }
  }
  return result;
}

async function main(): Promise<number> {
  let opts: LoadOptions;
  try {
    const parsed = parseLoadArgs(process.argv.slice(2), process.env, process.env.PX_CWD || process.env.INIT_CWD || process.cwd());
    if ('help' in parsed) {
      console.log(parsed.help);
      return 0;
    }
    opts = parsed;
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const machine = { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: availableParallelism(), node: process.version, loadAverage: loadavg().map((x) => Math.round(x * 100) / 100) };
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${machine.loadAverage.join(' ')} (client, node(s) and devnet share these cores)`);

  let devnet: DevnetHandle | undefined;
  let peer: StartedNode | undefined;
  const cleanup = async () => {
    await peer?.stop();
    if (devnet?.started) await devnet.stop();
  };
  const onSignal = () => {
    log('interrupted; stopping what the load started');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const results: TargetResult[] = [];
  let l2GasLimit = 30_000_000n;
  try {
    if (opts.targets.includes('l2')) {
      devnet = await ensureDevnet(opts.l2Url, { root: ROOT, logFile: join(ROOT, 'cache', 'load', 'devnet.log'), timeoutMs: 240_000 });
      if (devnet.started) log(`started scripts/devnet.ts --fresh (log: ${devnet.logFile})`);
      const r = await runTarget('parallax L2', opts.l2Url, opts, Number(process.env.L2_BLOCK_TIME_MS || 1000));
      l2GasLimit = BigInt(r.blockGasLimit);
      results.push(r);
      if (devnet.started) {
        log('stopping the devnet it started (so the peer run has the cores to itself)');
        await devnet.stop();
      }
    }
    if (opts.targets.includes('hardhat')) {
      peer = await startHardhatNode(ROOT, opts.hardhatPort, join(ROOT, 'cache', 'load', 'hardhat-node.log'));
      log(`started hardhat node at ${peer.url} (pid ${peer.pid})`);
      // Setup with automine (fast), then 1 s interval mining and the L2's block gas limit for the load.
      results.push(
        await runTarget(`hardhat node (${PEER_BLOCK_MS} ms interval)`, peer.url, opts, PEER_BLOCK_MS, async () => {
          await setIntervalMining(peer!.url, PEER_BLOCK_MS, l2GasLimit);
          return l2GasLimit;
        }),
      );
    }
  } catch (e) {
    console.error(`load failed: ${(e as Error).message}`);
    await cleanup();
    return 1;
  }
  await cleanup();

  console.log(`\n=== ERC-20 transfer load: ${opts.txs} txs from ${opts.accounts} accounts, concurrency ${opts.concurrency} ===\n${formatLoadTable(results)}\n`);
  console.log(
    'accepted tx/s = acked sends / (last ack - first send); executed tx/s = successful txs / (last block seen - first send);\n' +
      `latency = send start to the client seeing the tx's block (polled every 50 ms). Shared 2-core machine: load average now ${loadavg().map((x) => x.toFixed(2)).join(' ')}.`,
  );
  for (const r of results) for (const e of r.figures.firstErrors) console.log(`  ${r.name}: ${e}`);
  if (opts.json) {
    writeLoadJson(opts.json, { machine, options: opts, results });
    log(`figures written to ${opts.json}`);
  }
  return results.every((r) => r.figures.executed === r.figures.txs) ? 0 : 1;
}

process.exitCode = await main();
