/**
 * Typed access to parallax's L1 contracts (`contracts/BatchInbox.sol`, `contracts/OutputOracle.sol`,
 * `contracts/DisputeGameManager.sol`, `prover-stub/contracts/AttestationVerifier.sol`): their ABIs
 * and bytecode (read at runtime from Hardhat's artifacts), deployment through viem, the JSON file
 * that records where they were deployed, and the EIP-712 step attestation helpers of the dispute
 * game (docs/dispute-game.md).
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
import { encodeAbiParameters, getAddress, isAddress, isHex } from 'viem';
import type { Abi, Address, Chain, Hex, PublicClient, TypedDataDefinition, WalletClient } from 'viem';
import { ParallaxError } from '../errors.ts';

/** Names of the contracts this module knows. */
export type RollupContractName = 'BatchInbox' | 'OutputOracle' | 'DisputeGameManager' | 'AttestationVerifier';

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
  /** `DisputeGameManager`: games opened by `OutputOracle.challenge`. */
  disputeGameManager: Address;
  /** The manager's `IStepVerifier` (the prover stub's `AttestationVerifier`). */
  stepVerifier: Address;
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

/**
 * `DisputeGameManager.GameStatus` values as the ABI returns them (`uint8`). Cancelled: the output
 * was deleted underneath the game (an earlier output lost its game).
 */
export const GAME_STATUS = { None: 0, InProgress: 1, ChallengerWins: 2, DefenderWins: 3, Cancelled: 4 } as const;

/** `DisputeGameManager.Turn` values (`uint8`): whose move it is. */
export const TURN = { Defender: 0, Challenger: 1 } as const;

/**
 * Default treasury of `OutputOracle` (receives the non-challenger share of a slashed proposer
 * bond): the conventional burn address 0x…dEaD, so on the devnet that share is effectively burnt
 * (its credit can never be withdrawn).
 */
export const DEFAULT_TREASURY: Address = '0x000000000000000000000000000000000000dEaD';

/** Default prover key of the `AttestationVerifier` allow list: L1 dev account #4 (Hardhat/anvil mnemonic). */
export const DEFAULT_PROVER: Address = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';

/** Default chess clock of each side of a dispute game, in seconds. */
export const DEFAULT_GAME_CLOCK_SECONDS = 300n;

/** Default challenger share of a slashed proposer bond, in percent. */
export const DEFAULT_SLASH_REWARD_PERCENT = 50n;

/** Absolute path of the repository root (this file is `<root>/sequencer/l1/contracts.ts`). */
export const REPO_ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

/** Source folder (relative to the repository root) of each contract. */
const SOURCE_DIR: Readonly<Record<RollupContractName, string>> = {
  BatchInbox: 'contracts',
  OutputOracle: 'contracts',
  DisputeGameManager: 'contracts',
  AttestationVerifier: 'prover-stub/contracts',
};
const CONTRACT_NAMES = Object.keys(SOURCE_DIR) as RollupContractName[];
const SOURCE_DIRS = [...new Set(Object.values(SOURCE_DIR))].map((d) => join(REPO_ROOT, d));

/**
 * Path of the Hardhat artifact of `name`: `<root>/artifacts/<source folder>/<name>.sol/<name>.json`
 * (source folder `contracts` or `prover-stub/contracts`).
 */
export function artifactPath(name: RollupContractName): string {
  return join(REPO_ROOT, 'artifacts', SOURCE_DIR[name] ?? 'contracts', `${name}.sol`, `${name}.json`);
}

const artifactCache = new Map<RollupContractName, ContractArtifact>();

/**
 * Reads the ABI and creation bytecode of `name` from its Hardhat artifact (cached after the first
 * read).
 *
 * @param name One of {@link RollupContractName}.
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

/**
 * ABI of `DisputeGameManager`, read from its artifact on first use.
 * @throws ParallaxError as {@link loadArtifact}.
 */
export function disputeGameManagerAbi(): Abi {
  return loadArtifact('DisputeGameManager').abi;
}

/**
 * ABI of the prover stub's `AttestationVerifier` (an `IStepVerifier`), read from its artifact on
 * first use.
 * @throws ParallaxError as {@link loadArtifact}.
 */
export function attestationVerifierAbi(): Abi {
  return loadArtifact('AttestationVerifier').abi;
}

/** Options of {@link deployRollupContracts}. */
export interface DeployRollupOptions {
  /** Deployer; must carry an `account` (it signs and pays for every deployment and `initialize`). */
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
  /**
   * Output root of L2 block 0 (`computeOutputRoot(genesis.stateRoot, genesis.hash)`): the agreed
   * starting point of games on batch 0. Devnet: `devnetGenesisOutputRoot()`
   * (`sequencer/chain/genesis-output.ts`).
   */
  genesisOutputRoot: Hex;
  /** Receiver of the non-challenger share of slashed proposer bonds (default {@link DEFAULT_TREASURY}). */
  treasury?: Address;
  /** Challenger's share of a slashed proposer bond, percent 0..100 (default {@link DEFAULT_SLASH_REWARD_PERCENT}, 50). */
  slashRewardPercent?: bigint;
  /** Each side's chess clock in a dispute game, seconds (default {@link DEFAULT_GAME_CLOCK_SECONDS}, 300). */
  gameClockSeconds?: bigint;
  /** `AttestationVerifier` allow list (default `[DEFAULT_PROVER]`, L1 dev account #4). */
  provers?: readonly Address[];
  /** Signatures required per step, 1..provers.length (default 1). */
  proverThreshold?: bigint;
}

/**
 * Deploys, waiting for each receipt: `BatchInbox(sequencer)`,
 * `AttestationVerifier(provers, proverThreshold)`,
 * `OutputOracle(inbox, proposer, challengeWindowSeconds, proposerBondWei, challengerBondWei,
 * genesisOutputRoot, treasury, slashRewardPercent)`,
 * `DisputeGameManager(oracle, inbox, verifier, gameClockSeconds)`, then calls
 * `OutputOracle.initialize(manager)` (docs/dispute-game.md).
 *
 * @returns The four addresses, the L1 chain id and the L1 block of the inbox deployment.
 * @throws ParallaxError `NO_ACCOUNT` when `wallet` has no account; `DEPLOY_FAILED` when a
 *   deployment or `initialize` reverts or a deployment yields no contract address; artifact
 *   errors as {@link loadArtifact}; viem's errors for transport/RPC failures (including a revert
 *   found while estimating gas, e.g. `InvalidThreshold`).
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
  const verifier = await deploy('AttestationVerifier', [opts.provers ?? [DEFAULT_PROVER], opts.proverThreshold ?? 1n]);
  const oracle = await deploy('OutputOracle', [
    inbox.address,
    opts.proposer,
    opts.challengeWindowSeconds,
    opts.proposerBondWei,
    opts.challengerBondWei,
    opts.genesisOutputRoot,
    opts.treasury ?? DEFAULT_TREASURY,
    opts.slashRewardPercent ?? DEFAULT_SLASH_REWARD_PERCENT,
  ]);
  const manager = await deploy('DisputeGameManager', [
    oracle.address,
    inbox.address,
    verifier.address,
    opts.gameClockSeconds ?? DEFAULT_GAME_CLOCK_SECONDS,
  ]);
  const hash = await wallet.writeContract({
    address: oracle.address,
    abi: outputOracleAbi(),
    functionName: 'initialize',
    args: [manager.address],
    account,
    chain,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') {
    throw new ParallaxError('DEPLOY_FAILED', `OutputOracle.initialize failed (tx ${hash})`);
  }
  return {
    batchInbox: inbox.address,
    outputOracle: oracle.address,
    disputeGameManager: manager.address,
    stepVerifier: verifier.address,
    l1ChainId: await publicClient.getChainId(),
    deployedAtBlock: inbox.blockNumber,
  };
}

/** The EIP-712 types of the prover stub's step attestation (docs/dispute-game.md). */
export const STEP_ATTESTATION_TYPES = {
  StepAttestation: [
    { name: 'preOutputRoot', type: 'bytes32' },
    { name: 'batchDataHash', type: 'bytes32' },
    { name: 'l2BlockNumber', type: 'uint64' },
    { name: 'postOutputRoot', type: 'bytes32' },
  ],
} as const;

/** One step attestation: executing L2 block `l2BlockNumber` on `preOutputRoot` yields `postOutputRoot`. */
export interface StepAttestation {
  /** Output root of block `l2BlockNumber - 1`. */
  preOutputRoot: Hex;
  /** keccak256 of the inbox batch bytes holding the block (`BatchInbox.Batch.dataHash`). */
  batchDataHash: Hex;
  /** The L2 block (uint64). */
  l2BlockNumber: bigint;
  /** Output root of block `l2BlockNumber`. */
  postOutputRoot: Hex;
}

/** `signTypedData` parameters of a {@link StepAttestation}. */
export type StepAttestationTypedData = TypedDataDefinition<typeof STEP_ATTESTATION_TYPES, 'StepAttestation'> & {
  domain: { name: 'ParallaxProverStub'; version: '1'; chainId: number; verifyingContract: Address };
};

/**
 * The EIP-712 typed data a prover signs for one step, for viem's `signTypedData`
 * (`account.signTypedData(td)` or `wallet.signTypedData({ account, ...td })`). Domain:
 * name "ParallaxProverStub", version "1", `chainId`, `verifyingContract = verifier`.
 * Also callable with one object `{ chainId, verifyingContract, ...attestation }`.
 *
 * @param verifier Address of the `AttestationVerifier` (`RollupAddresses.stepVerifier`).
 * @param chainId L1 chain id.
 * @param a The attestation.
 */
export function stepAttestationTypedData(verifier: Address, chainId: number, a: StepAttestation): StepAttestationTypedData;
export function stepAttestationTypedData(
  a: StepAttestation & { chainId: number; verifyingContract: Address },
): StepAttestationTypedData;
export function stepAttestationTypedData(
  first: Address | (StepAttestation & { chainId: number; verifyingContract: Address }),
  chainIdArg?: number,
  attestation?: StepAttestation,
): StepAttestationTypedData {
  const verifier = typeof first === 'string' ? first : first.verifyingContract;
  const chainId = typeof first === 'string' ? chainIdArg : first.chainId;
  const a = typeof first === 'string' ? attestation : first;
  if (chainId === undefined || a === undefined) {
    throw new ParallaxError('BAD_ARGUMENTS', 'stepAttestationTypedData(verifier, chainId, attestation)');
  }
  return {
    domain: { name: 'ParallaxProverStub', version: '1', chainId, verifyingContract: verifier },
    types: STEP_ATTESTATION_TYPES,
    primaryType: 'StepAttestation',
    message: {
      preOutputRoot: a.preOutputRoot,
      batchDataHash: a.batchDataHash,
      l2BlockNumber: a.l2BlockNumber,
      postOutputRoot: a.postOutputRoot,
    },
  };
}

/**
 * Orders signatures by signer address, ascending, as `AttestationVerifier` requires.
 *
 * @param signed Each signature (65-byte 0x-hex) with the address that made it.
 * @returns The signatures in ascending signer order.
 * @throws ParallaxError `DUPLICATE_SIGNER` when two entries have the same signer (the verifier
 *   counts a signer once and rejects repeats).
 */
export function sortSignaturesBySigner(signed: ReadonlyArray<{ signer: Address; signature: Hex }>): Hex[] {
  const rows = signed.map((s) => ({ signer: getAddress(s.signer), key: BigInt(s.signer), signature: s.signature }));
  rows.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.key === rows[i - 1]!.key) {
      throw new ParallaxError('DUPLICATE_SIGNER', `two signatures by ${rows[i]!.signer}`);
    }
  }
  return rows.map((r) => r.signature);
}

/**
 * The `proof` argument of `DisputeGameManager.step` for `AttestationVerifier`:
 * `abi.encode(bytes[] signatures)`.
 *
 * @param signatures 65-byte signatures, already sorted by signer ascending
 *   ({@link sortSignaturesBySigner}); this function does not reorder them.
 */
export function encodeStepProof(signatures: readonly Hex[]): Hex {
  return encodeAbiParameters([{ type: 'bytes[]' }], [signatures]);
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
    disputeGameManager: a.disputeGameManager,
    stepVerifier: a.stepVerifier,
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
  const { batchInbox, outputOracle, disputeGameManager, stepVerifier, l1ChainId, deployedAtBlock } = json;
  if (typeof batchInbox !== 'string' || !isAddress(batchInbox)) throw invalid('bad batchInbox');
  if (typeof outputOracle !== 'string' || !isAddress(outputOracle)) throw invalid('bad outputOracle');
  if (typeof disputeGameManager !== 'string' || !isAddress(disputeGameManager)) {
    throw invalid('bad or missing disputeGameManager (written before the dispute game? redeploy)');
  }
  if (typeof stepVerifier !== 'string' || !isAddress(stepVerifier)) throw invalid('bad or missing stepVerifier');
  if (typeof l1ChainId !== 'number' || !Number.isSafeInteger(l1ChainId) || l1ChainId <= 0) {
    throw invalid('bad l1ChainId');
  }
  if (typeof deployedAtBlock !== 'string' || !/^(0|[1-9][0-9]*)$/.test(deployedAtBlock)) {
    throw invalid('bad deployedAtBlock (want a decimal string)');
  }
  return { batchInbox, outputOracle, disputeGameManager, stepVerifier, l1ChainId, deployedAtBlock: BigInt(deployedAtBlock) };
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
 * Whether the artifacts of all {@link RollupContractName} contracts exist and are at least as new
 * as every `.sol` file under `contracts/` and `prover-stub/contracts/` (by modification time).
 */
export function artifactsAreFresh(): boolean {
  const sources = SOURCE_DIRS.filter((d) => existsSync(d)).flatMap((d) => solidityFiles(d));
  const newestSource = Math.max(0, ...sources.map((f) => statSync(f).mtimeMs));
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
