/**
 * `npm run demo` (or `scripts/px demo`): drives the running devnet exactly as a client would,
 * with viem over JSON-RPC, and reports what the rollup did with it.
 *
 * 1. deploys two OpenZeppelin ERC-20s (compiled here with solcjs) and Uniswap V2 (factory, one
 *    pair with liquidity), funds 40 fresh accounts;
 * 2. sends a concurrent mixed load (`--txs N`, default 400): ETH and token transfers between
 *    disjoint pairs, transfers into one hot account, swaps on the pair;
 * 3. waits for every receipt, then for the L1 batches covering the demo's blocks and the
 *    challenger's verdict on each;
 * 4. prints the report (and `--json FILE`); exits 1 if a tx failed or a verdict is not "agree".
 *
 * If nothing answers at L2_RPC_URL it starts `scripts/devnet.ts --fresh` and stops it at the end.
 * See `scripts/demo/args.ts` for flags and environment.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPublicClient, createWalletClient, defineChain, http } from 'viem';
import type { PublicClient } from 'viem';
import { deriveAccounts, DEV_ACCOUNTS, FRESH_ACCOUNTS, NonceBook } from './demo/accounts.ts';
import { parseDemoArgs } from './demo/args.ts';
import type { DemoOptions } from './demo/args.ts';
import { compileDemoToken } from './demo/compile.ts';
import { loadUniswapV2 } from './demo/contracts.ts';
import { ensureDevnet } from './demo/devnet.ts';
import type { DevnetHandle } from './demo/devnet.ts';
import { readAddresses, waitForBatches, waitForVerdicts } from './demo/l1.ts';
import { deployContracts, fundAndAddLiquidity, loadMix, planLoad, runLoad } from './demo/load.ts';
import { bytesPerTx, executionFigures, fetchBlockExecutions, printReport, txFigures, writeJson } from './demo/report.ts';
import type { DemoFigures } from './demo/report.ts';
import { Sender } from './demo/send.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** How long to wait for the started devnet to answer, and for L1 batches + verdicts (ms). */
const DEVNET_START_TIMEOUT_MS = 120_000;
const L1_TIMEOUT_MS = 180_000;
/** How long one lane may wait for its last receipt (ms). */
const RECEIPT_TIMEOUT_MS = 120_000;

const t0 = performance.now();
function log(msg: string): void {
  console.log(`[demo ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
}

async function main(opts: DemoOptions): Promise<boolean> {
  const l2 = createPublicClient({ transport: http(opts.l2Url, { timeout: 30_000 }), pollingInterval: 100 }) as PublicClient;
  const chainId = await l2.getChainId();
  const chain = defineChain({
    id: chainId,
    name: 'parallax-l2',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [opts.l2Url] } },
  });
  log(`L2 chain ${chainId} at ${opts.l2Url}, head block ${await l2.getBlockNumber()}`);
  const addresses = opts.noL1 ? undefined : await readAddresses(opts.dataDir, 30_000);

  const token = compileDemoToken();
  log(`DemoToken (OpenZeppelin ERC20) ${token.cached ? 'from cache/demo' : 'compiled with solcjs'}`);
  const uni = loadUniswapV2();
  const dev = deriveAccounts(0, DEV_ACCOUNTS);
  const fresh = deriveAccounts(DEV_ACCOUNTS, FRESH_ACCOUNTS);
  const [deployer, ...funders] = dev as [(typeof dev)[0], ...typeof dev];

  const wallet = createWalletClient({ chain, transport: http(opts.l2Url, { timeout: 30_000 }) });
  const sender = new Sender({ publicClient: l2, wallet, chain, nonces: new NonceBook(l2), receiptTimeoutMs: RECEIPT_TIMEOUT_MS });

  const { deployment: d, records: deployRecords } = await deployContracts(sender, deployer, token, uni.factory);
  log(`deployed tokens ${d.tokenA}, ${d.tokenB}; factory ${d.factory}; pair ${d.pair}`);
  const { reserves, records: fundRecords } = await fundAndAddLiquidity(sender, l2, deployer, funders, fresh, d);
  log(`liquidity added (reserves ${reserves[0]} / ${reserves[1]}), ${fresh.length} fresh accounts funded`);

  const lanes = planLoad(opts.txs, fresh, d, reserves);
  const mix = loadMix(opts.txs);
  log(`sending ${opts.txs} txs from ${lanes.length} accounts concurrently (eth ${mix.eth}, erc20 ${mix.erc20}, hot ${mix.hot}, swap ${mix.swap})`);
  const load = await runLoad(sender, lanes);
  const figs = txFigures(chainId, opts.txs, [...deployRecords, ...fundRecords], load);
  log(`load done: ${figs.load.ok}/${figs.load.txs} ok in ${figs.load.blocks} L2 blocks`);

  const loadBlocks = [...new Set(load.records.flatMap((r) => (r.receipt ? [r.receipt.blockNumber] : [])))].sort((a, b) => (a < b ? -1 : 1));
  const execution = executionFigures(await fetchBlockExecutions(l2, loadBlocks));

  let l1: DemoFigures['l1'] = { checked: false, reason: '--no-l1' };
  if (addresses && figs.demoBlocks.first !== null && figs.demoBlocks.last !== null) {
    const deadline = Date.now() + L1_TIMEOUT_MS;
    const l1Client = createPublicClient({ transport: http(opts.l1Url, { timeout: 30_000 }), pollingInterval: 500 }) as PublicClient;
    log(`waiting for L1 batches covering L2 blocks ${figs.demoBlocks.first}..${figs.demoBlocks.last} (BatchInbox ${addresses.batchInbox})`);
    try {
      const { batches, decodeError } = await waitForBatches(l1Client, addresses, figs.demoBlocks.first, figs.demoBlocks.last, deadline);
      log(`${batches.length} batches on L1; waiting for the challenger at ${opts.challengerUrl}`);
      // Without the decoder, count txs from the L2 blocks the batches cover.
      let txsFromL2 = 0;
      if (batches.some((b) => !b.decoded)) {
        for (const b of batches) {
          for (let n = b.firstBlock; n <= b.lastBlock; n++) txsFromL2 += await l2.getBlockTransactionCount({ blockNumber: n });
        }
      }
      const v = await waitForVerdicts(opts.challengerUrl, batches.map((b) => b.batchIndex), deadline);
      l1 = { checked: true, batches, bytesPerTx: bytesPerTx(batches, txsFromL2), verdicts: v.verdicts };
      if (decodeError) l1.decodeError = decodeError;
      if (v.timedOut) l1.error = `challenger verdicts still pending after ${L1_TIMEOUT_MS / 1000} s${v.lastError ? ` (${v.lastError})` : ''}`;
    } catch (e) {
      l1 = { checked: true, batches: [], bytesPerTx: { compressed: null, raw: null, txs: 0, compression: null }, verdicts: [], error: (e as Error).message };
    }
  }

  const failedTxs = figs.failures.length;
  const verdictsOk = !l1.checked || (l1.error === undefined && l1.batches.length > 0 && l1.verdicts.every((v) => v.verdict === 'agree'));
  const figures: DemoFigures = { ...figs, execution, l1, ok: failedTxs === 0 && verdictsOk };
  printReport(figures);
  if (opts.json) {
    writeJson(opts.json, figures);
    log(`figures written to ${opts.json}`);
  }
  return figures.ok;
}

async function run(): Promise<number> {
  let opts: DemoOptions;
  try {
    const parsed = parseDemoArgs(process.argv.slice(2), process.env, ROOT);
    if ('help' in parsed) {
      console.log(parsed.help);
      return 0;
    }
    opts = parsed;
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }

  let devnet: DevnetHandle | undefined;
  const onSignal = () => {
    log('interrupted; stopping');
    void (devnet?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    devnet = await ensureDevnet(opts.l2Url, { root: ROOT, logFile: join(ROOT, 'cache', 'demo', 'devnet.log'), timeoutMs: DEVNET_START_TIMEOUT_MS });
    if (devnet.started) log(`started scripts/devnet.ts --fresh (log: ${devnet.logFile})`);
    return (await main(opts)) ? 0 : 1;
  } catch (e) {
    console.error(`demo failed: ${(e as Error).message}`);
    return 1;
  } finally {
    if (devnet?.started) {
      log('stopping the devnet it started');
      await devnet.stop();
    }
  }
}

process.exitCode = await run();
