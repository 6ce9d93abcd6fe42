/**
 * Typed access to parallax's L1 contracts (`contracts/BatchInbox.sol`, `contracts/OutputOracle.sol`):
 * their ABIs and bytecode (read at runtime from Hardhat's artifacts), deployment through viem, and
 * the JSON file that records where they were deployed.
 *
 * The batcher, the proposer and the challenger import this module; it depends only on viem, node
 * built-ins and `sequencer/errors.ts`. Artifacts are built by `hardhat build`
 * (see {@link compileContracts}); they are not committed.
 */
import { execFile } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAddress, isHex } from 'viem';
import type { Abi, Address, Chain, Hex, PublicClient, WalletClient } from 'viem';
import { ParallaxError } from '../errors.ts';

/** Names of the contracts this module knows. */
export type RollupContractName = 'BatchInbox' | 'OutputOracle';

/** ABI and creation bytecode of one contract, as Hardhat wrote them. */
export interface ContractArtifact {
  abi: Abi;
  /** Creation (init) code, 0x-hex. */
  bytecode: Hex;
}

/** Where the rollup's L1 contracts live. */
export interface RollupAddresses {
  batchInbox: Address;
  outputOracle: Address;
  /** EIP-155 chain id of the L1. */
  l1ChainId: number;
  /** L1 block of the `BatchInbox` deployment: the first block worth scanning for rollup events. */
  deployedAtBlock: bigint;
}

/**
 * `OutputOracle.Status` values as the ABI returns them (`uint8`).
 * None: never proposed; Proposed: unchallenged; Challenged: frozen until a dispute game resolves
 * it; Finalized: final.
 */
export const OUTPUT_STATUS = { None: 0, Proposed: 1, Challenged: 2, Finalized: 3 } as const;

/** Absolute path of the repository root (this file is `<root>/sequencer/l1/contracts.ts`). */
export const REPO_ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

const CONTRACT_NAMES: readonly RollupContractName[] = ['BatchInbox', 'OutputOracle'];
const CONTRACTS_DIR = join(REPO_ROOT, 'contracts');

/** Path of the Hardhat artifact of `name`: `<root>/artifacts/contracts/<name>.sol/<name>.json`. */
export function artifactPath(name: RollupContractName): string {
  return join(REPO_ROOT, 'artifacts', 'contracts', `${name}.sol`, `${name}.json`);
}

const artifactCache = new Map<RollupContractName, ContractArtifact>();

/**
 * Reads the ABI and creation bytecode of `name` from its Hardhat artifact (cached after the first
 * read).
 *
 * @param name `'BatchInbox'` or `'OutputOracle'`.
 * @returns The contract's ABI and creation bytecode (0x-hex).
 * @throws ParallaxError `UNKNOWN_CONTRACT` for any other name; `ARTIFACT_NOT_FOUND` when the
 *   artifact file is missing (run `npx hardhat build` or {@link compileContracts});
 *   `ARTIFACT_INVALID` when it has no ABI or no bytecode.
 */
export function loadArtifact(name: RollupContractName): ContractArtifact {
  const cached = artifactCache.get(name);
  if (cached !== undefined) return cached;
  if (!CONTRACT_NAMES.includes(name)) {
    throw new ParallaxError('UNKNOWN_CONTRACT', `unknown L1 contract ${String(name)}`);
  }
  const file = artifactPath(name);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ParallaxError('ARTIFACT_NOT_FOUND', `no artifact for ${name} at ${file}; run \`npx hardhat build\``, {
      cause,
    });
  }
  const json = JSON.parse(text) as { abi?: unknown; bytecode?: unknown };
  if (!Array.isArray(json.abi) || typeof json.bytecode !== 'string' || !isHex(json.bytecode) || json.bytecode === '0x') {
    throw new ParallaxError('ARTIFACT_INVALID', `artifact ${file} has no ABI or no bytecode`);
  }
  const artifact: ContractArtifact = { abi: json.abi as Abi, bytecode: json.bytecode };
  artifactCache.set(name, artifact);
  return artifact;
}

/**
 * ABI of `BatchInbox`, read from its artifact on first use.
 * @throws ParallaxError as {@link loadArtifact}.
 */
export function batchInboxAbi(): Abi {
  return loadArtifact('BatchInbox').abi;
}

/**
 * ABI of `OutputOracle`, read from its artifact on first use.
 * @throws ParallaxError as {@link loadArtifact}.
 */
export function outputOracleAbi(): Abi {
  return loadArtifact('OutputOracle').abi;
}

/** Options of {@link deployRollupContracts}. */
export interface DeployRollupOptions {
  /** Deployer; must carry an `account` (it signs and pays for both deployments). */
  wallet: WalletClient;
  /** Used to wait for receipts and read the chain id. */
  publicClient: PublicClient;
  /** The only address allowed to call `BatchInbox.appendBatch`. */
  sequencer: Address;
  /** The only address allowed to deposit bond and call `OutputOracle.proposeOutput`. */
  proposer: Address;
  /** Challenge window of each output, in seconds. */
  challengeWindowSeconds: bigint;
  /** Minimum proposer bond balance required to propose, in wei. */
  proposerBondWei: bigint;
  /** Exact bond a challenger sends with `challenge`, in wei. */
  challengerBondWei: bigint;
}

/**
 * Deploys `BatchInbox(sequencer)` and then
 * `OutputOracle(inbox, proposer, challengeWindowSeconds, proposerBondWei, challengerBondWei)`,
 * waiting for each receipt.
 *
 * @returns The two addresses, the L1 chain id and the L1 block of the inbox deployment.
 * @throws ParallaxError `NO_ACCOUNT` when `wallet` has no account; `DEPLOY_FAILED` when a
 *   deployment reverts or yields no contract address; artifact errors as {@link loadArtifact};
 *   viem's errors for transport/RPC failures.
 */
export async function deployRollupContracts(opts: DeployRollupOptions): Promise<RollupAddresses> {
  const { wallet, publicClient } = opts;
  const account = wallet.account;
  if (account === undefined) {
    throw new ParallaxError('NO_ACCOUNT', 'deployRollupContracts: the wallet client has no account');
  }
  const chain: Chain | null = wallet.chain ?? null;

  const deploy = async (name: RollupContractName, args: readonly unknown[]) => {
    const { abi, bytecode } = loadArtifact(name);
    const hash = await wallet.deployContract({ abi, bytecode, args, account, chain });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success' || receipt.contractAddress == null) {
      throw new ParallaxError('DEPLOY_FAILED', `deploying ${name} failed (tx ${hash}, status ${receipt.status})`);
    }
    return { address: receipt.contractAddress, blockNumber: receipt.blockNumber };
  };

  const inbox = await deploy('BatchInbox', [opts.sequencer]);
  const oracle = await deploy('OutputOracle', [
    inbox.address,
    opts.proposer,
    opts.challengeWindowSeconds,
    opts.proposerBondWei,
    opts.challengerBondWei,
  ]);
  return {
    batchInbox: inbox.address,
    outputOracle: oracle.address,
    l1ChainId: await publicClient.getChainId(),
    deployedAtBlock: inbox.blockNumber,
  };
}

/**
 * Writes `a` to `file` as JSON (`deployedAtBlock` as a decimal string), creating parent folders.
 *
 * @param file Path of the JSON file.
 * @param a The addresses to record.
 */
export function writeAddresses(file: string, a: RollupAddresses): void {
  mkdirSync(dirname(file), { recursive: true });
  const json = {
    batchInbox: a.batchInbox,
    outputOracle: a.outputOracle,
    l1ChainId: a.l1ChainId,
    deployedAtBlock: a.deployedAtBlock.toString(10),
  };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

/**
 * Reads a file written by {@link writeAddresses}.
 *
 * @param file Path of the JSON file.
 * @returns The recorded addresses (`deployedAtBlock` parsed back to a bigint).
 * @throws ParallaxError `ADDRESSES_NOT_FOUND` when the file cannot be read; `ADDRESSES_INVALID`
 *   when it is not JSON or a field is missing or malformed.
 */
export function readAddresses(file: string): RollupAddresses {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ParallaxError('ADDRESSES_NOT_FOUND', `cannot read rollup addresses from ${file}`, { cause });
  }
  const invalid = (why: string, cause?: unknown) =>
    new ParallaxError('ADDRESSES_INVALID', `${file}: ${why}`, { cause });
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw invalid('not JSON', cause);
  }
  const { batchInbox, outputOracle, l1ChainId, deployedAtBlock } = json;
  if (typeof batchInbox !== 'string' || !isAddress(batchInbox)) throw invalid('bad batchInbox');
  if (typeof outputOracle !== 'string' || !isAddress(outputOracle)) throw invalid('bad outputOracle');
  if (typeof l1ChainId !== 'number' || !Number.isSafeInteger(l1ChainId) || l1ChainId <= 0) {
    throw invalid('bad l1ChainId');
  }
  if (typeof deployedAtBlock !== 'string' || !/^(0|[1-9][0-9]*)$/.test(deployedAtBlock)) {
    throw invalid('bad deployedAtBlock (want a decimal string)');
  }
  return { batchInbox, outputOracle, l1ChainId, deployedAtBlock: BigInt(deployedAtBlock) };
}

/** All `.sol` files under `dir`, recursively. */
function solidityFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...solidityFiles(p));
    else if (entry.name.endsWith('.sol')) out.push(p);
  }
  return out;
}

/**
 * Whether the artifacts of both contracts exist and are at least as new as every `.sol` file
 * under `contracts/` (by modification time).
 */
export function artifactsAreFresh(): boolean {
  const newestSource = Math.max(0, ...solidityFiles(CONTRACTS_DIR).map((f) => statSync(f).mtimeMs));
  return CONTRACT_NAMES.every((name) => {
    const file = artifactPath(name);
    return existsSync(file) && statSync(file).mtimeMs >= newestSource;
  });
}

/** How long {@link compileContracts} waits for another process's build before giving up (ms). */
const BUILD_LOCK_TIMEOUT_MS = 120_000;

let inflightBuild: Promise<void> | undefined;

/**
 * Runs `hardhat build` (the repository's `node_modules/.bin/hardhat`, with the directory of the
 * running Node, `process.execPath`, first on PATH) when {@link artifactsAreFresh} is false; does
 * nothing otherwise. Concurrent callers, in this process or others (e.g. `node --test` running
 * test files in parallel), share one build through the lock file `cache/parallax-build.lock`.
 * After a successful build the artifacts' modification times are set to now, since Hardhat
 * leaves unchanged outputs untouched.
 *
 * @throws ParallaxError `COMPILE_FAILED` when the build exits non-zero (the message carries its
 *   output), the artifacts are still missing afterwards, or another process held the lock for
 *   more than 120 s.
 */
export async function compileContracts(): Promise<void> {
  if (artifactsAreFresh()) return;
  inflightBuild ??= buildLocked().finally(() => {
    inflightBuild = undefined;
  });
  return inflightBuild;
}

async function buildLocked(): Promise<void> {
  const lock = join(REPO_ROOT, 'cache', 'parallax-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() - started > BUILD_LOCK_TIMEOUT_MS) {
        throw new ParallaxError('COMPILE_FAILED', `timed out waiting for ${lock} (remove it if no build is running)`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!artifactsAreFresh()) await runHardhatBuild();
  } finally {
    rmSync(lock, { force: true });
  }
}

async function runHardhatBuild(): Promise<void> {
  const hardhat = join(REPO_ROOT, 'node_modules', '.bin', 'hardhat');
  const env = { ...process.env, PATH: [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter) };
  await new Promise<void>((resolve, reject) => {
    execFile(hardhat, ['build'], { cwd: REPO_ROOT, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(
          new ParallaxError('COMPILE_FAILED', `hardhat build failed: ${err.message}\n${stdout}${stderr}`, { cause: err }),
        );
      } else {
        resolve();
      }
    });
  });
  const now = new Date();
  for (const name of CONTRACT_NAMES) {
    const file = artifactPath(name);
    if (!existsSync(file)) throw new ParallaxError('COMPILE_FAILED', `hardhat build wrote no artifact ${file}`);
    utimesSync(file, now, now);
    artifactCache.delete(name);
  }
}
