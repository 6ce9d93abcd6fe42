/**
 * `npm run devnet [-- --fresh]`: the whole embedded devnet on one machine.
 *
 * 1. L1: a Hardhat node on 127.0.0.1:8545 (reused if one already answers there), output in
 *    DATA_DIR/l1.log. Hardhat's node keeps L1 state in memory: every start is a fresh L1.
 * 2. Compiles (offline solc) and deploys the rollup contracts (inbox, oracle, dispute game
 *    manager, attestation verifier; genesis output root, GAME_CLOCK_SECONDS, SLASH_REWARD_PERCENT,
 *    TREASURY_ADDRESS from the environment); addresses go to DATA_DIR/addresses.json, which every
 *    other tool reads.
 * 3. The prover-stub (`prover-stub/main.ts`, JSON-RPC `prover_attestStep` on 127.0.0.1:9547),
 *    started after the deployment; both sides of a dispute game ask it for step attestations.
 * 4. The sequencer (L2 JSON-RPC on 127.0.0.1:9545, mempool, parallel executor, batcher,
 *    proposer/defender) resuming from DATA_DIR/sequencer.sqlite; against a fresh L1 the batcher
 *    re-posts the L2 chain from block 1 (it reads the inbox's next block).
 * 5. The challenger (status JSON-RPC on 127.0.0.1:9546), deriving from L1 alone.
 * Ctrl-C stops everything (challenger, sequencer, prover, then L1). `--fresh` wipes DATA_DIR first.
 * Fault drill switches (`FAULT_*`, see `.env.example`) pass through the environment; `npm run
 * drill` uses them.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPublicClient, createWalletClient, http, type PublicClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { devnetRollupConfig } from '../sequencer/chain/config.ts';
import { devnetGenesisOutputRoot } from '../sequencer/chain/genesis-output.ts';
import { loadConfig } from '../sequencer/config.ts';
import { compileContracts, deployRollupContracts, readAddresses, REPO_ROOT, writeAddresses } from '../sequencer/l1/contracts.ts';
import { probeChainId, waitForHttp, waitForRpc } from './lib/probe.ts';
import { Supervisor } from './lib/supervisor.ts';

const { values: args } = parseArgs({
  options: { fresh: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
});
if (args.help) {
  console.log('usage: npm run devnet [-- --fresh]\n  --fresh  wipe DATA_DIR (default ./data) before starting\nEnvironment: see .env.example');
  process.exit(0);
}

const cfg = loadConfig();
if (args.fresh) rmSync(cfg.dataDir, { recursive: true, force: true });
mkdirSync(cfg.dataDir, { recursive: true });
const sup = new Supervisor();
let shuttingDown = false;
async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    console.log('[devnet] stopping...');
    await sup.stopAll();
    console.log('[devnet] stopped');
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
sup.onUnexpectedExit = (name, code) => {
  console.error(`[devnet] ${name} exited unexpectedly (code ${code}); see ${join(cfg.dataDir, `${name}.log`)}`);
  void shutdown(1);
};

const node = process.execPath;
const l1Port = new URL(cfg.l1RpcUrl).port || '8545';

// 1. L1
if ((await probeChainId(cfg.l1RpcUrl, 1000)) !== undefined) {
  console.log(`[devnet] reusing the L1 already answering at ${cfg.l1RpcUrl}`);
} else {
  sup.start({
    name: 'l1',
    command: node,
    args: [join(REPO_ROOT, 'node_modules/hardhat/dist/src/cli.js'), 'node', '--hostname', '127.0.0.1', '--port', l1Port],
    logFile: join(cfg.dataDir, 'l1.log'),
    echo: false,
  });
  await waitForRpc(cfg.l1RpcUrl, 60_000);
  console.log(`[devnet] L1 Hardhat node at ${cfg.l1RpcUrl} (log: ${join(cfg.dataDir, 'l1.log')})`);
}

// 2. contracts
const addressesFile = join(cfg.dataDir, 'addresses.json');
const transport = http(cfg.l1RpcUrl);
const publicClient = createPublicClient({ transport, pollingInterval: 100 }) as PublicClient;
let reuse = false;
if (existsSync(addressesFile)) {
  // A file from before the dispute game (no disputeGameManager) does not parse: redeploy.
  const prev = (() => {
    try {
      return readAddresses(addressesFile);
    } catch {
      return undefined;
    }
  })();
  const code = prev && (await publicClient.getCode({ address: prev.disputeGameManager }).catch(() => undefined));
  reuse = code != null && code !== '0x';
}
if (!reuse) {
  await compileContracts();
  const addresses = await deployRollupContracts({
    wallet: createWalletClient({ account: privateKeyToAccount(cfg.deployerKey), transport }),
    publicClient,
    sequencer: privateKeyToAccount(cfg.sequencerKey).address,
    proposer: privateKeyToAccount(cfg.proposerKey).address,
    challengeWindowSeconds: cfg.challengeWindowSeconds,
    proposerBondWei: cfg.proposerBondWei,
    challengerBondWei: cfg.challengerBondWei,
    // Output root of L2 block 0 under the config sequencer/main.ts runs with.
    genesisOutputRoot: await devnetGenesisOutputRoot(devnetRollupConfig({ chainId: cfg.l2ChainId, gasLimit: cfg.l2GasLimit })),
    gameClockSeconds: cfg.gameClockSeconds,
    slashRewardPercent: cfg.slashRewardPercent,
    treasury: cfg.treasury,
  });
  writeAddresses(addressesFile, addresses);
  console.log(
    `[devnet] deployed BatchInbox ${addresses.batchInbox}, OutputOracle ${addresses.outputOracle}, ` +
      `DisputeGameManager ${addresses.disputeGameManager}, AttestationVerifier ${addresses.stepVerifier}`,
  );
} else {
  console.log(`[devnet] reusing contracts in ${addressesFile}`);
}

// 3. prover-stub (step attestations for both sides of a dispute game), sequencer, challenger
const proverScript = join(REPO_ROOT, 'prover-stub/main.ts');
const proverUrl = `http://127.0.0.1:${cfg.proverRpcPort}`;
if (existsSync(proverScript)) {
  sup.start({ name: 'prover', command: node, args: [proverScript], logFile: join(cfg.dataDir, 'prover.log') });
  await waitForHttp(proverUrl, 60_000).catch((err: Error) => console.error(`[devnet] prover-stub: ${err.message}; see ${join(cfg.dataDir, 'prover.log')}`));
} else {
  console.error(`[devnet] ${proverScript} is missing: no prover-stub, dispute games cannot reach a step`);
}
sup.start({ name: 'sequencer', command: node, args: [join(REPO_ROOT, 'sequencer/main.ts')], logFile: join(cfg.dataDir, 'sequencer.log') });
const l2Url = `http://${cfg.l2Host}:${cfg.l2Port}`;
await waitForRpc(l2Url, 60_000);
sup.start({ name: 'challenger', command: node, args: [join(REPO_ROOT, 'challenger/main.ts')], logFile: join(cfg.dataDir, 'challenger.log') });
await waitForHttp(`http://127.0.0.1:${cfg.challengerPort}`, 60_000).catch(() => undefined);

console.log(`
[devnet] ready
  L1 JSON-RPC   ${cfg.l1RpcUrl} (chain 31337)
  L2 JSON-RPC   ${l2Url} (chain ${cfg.l2ChainId}; the 20 Hardhat dev accounts hold 10,000 ETH each)
  challenger    http://127.0.0.1:${cfg.challengerPort} (parallax_challengerStatus)
  prover-stub   ${proverUrl} (prover_attestStep)
  data          ${cfg.dataDir}
  Ctrl-C stops everything; \`npm run demo\` sends a load.
`);
