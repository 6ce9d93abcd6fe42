/**
 * Node configuration from environment variables. Every variable, its default and unit is listed
 * in `.env.example` at the repo root (keep both in sync). Invalid values throw `ParallaxError`
 * code `BAD_CONFIG` naming the variable.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { isAddress, type Hex } from 'viem';
import { devPrivateKeys } from './chain/genesis.ts';
import { ParallaxError } from './errors.ts';
import { DEFAULT_GAME_CLOCK_SECONDS, DEFAULT_SLASH_REWARD_PERCENT, DEFAULT_TREASURY } from './l1/contracts.ts';

export interface NodeConfig {
  /** Folder of SQLite files and addresses.json. */
  dataDir: string;
  l1RpcUrl: string;
  l2Host: string;
  l2Port: number;
  challengerPort: number;
  l2ChainId: bigint;
  /** Milliseconds between L2 blocks (at most one block per period, none when idle). */
  blockTimeMs: number;
  /** Gas. */
  l2GasLimit: bigint;
  executorMode: 'parallel' | 'sequential';
  executorWorkers: number;
  batchIntervalMs: number;
  batchMaxBlocks: number;
  /** Bytes of compressed batch data per L1 tx. */
  batchMaxBytes: number;
  proposeIntervalMs: number;
  /** The proposer finalizes outputs whose challenge window has passed (`finalizeOutput`). */
  finalizeOutputs: boolean;
  /** Seconds. */
  challengeWindowSeconds: bigint;
  /** Wei. */
  proposerBondWei: bigint;
  /** Wei. */
  challengerBondWei: bigint;
  deployerKey: Hex;
  sequencerKey: Hex;
  proposerKey: Hex;
  challengerKey: Hex;
  /** Seconds: each side's clock in a dispute game (DisputeGameManager `clockSeconds`). */
  gameClockSeconds: bigint;
  /** Percent (0..100) of a slashed proposer bond credited to the winning challenger. */
  slashRewardPercent: bigint;
  /** L1 address credited the rest of a slashed bond (default 0x…dEaD: burnt). */
  treasury: Hex;
  /** JSON-RPC URL of the prover-stub (`prover_attestStep`). */
  proverRpcUrl: string;
  /** Port of the prover-stub's JSON-RPC server (the devnet starts it there). */
  proverRpcPort: number;
  /** Drill switch: batch index whose output the proposer posts wrong (one-shot). */
  faultBadRootBatch?: bigint;
  /** Drill switch: L2 block number sealed with a wrong state root (one-shot). */
  faultBadExecutionBlock?: bigint;
  /** Drill switch: batch index whose data the batcher replaces by random bytes (one-shot). */
  faultGarbageBatch?: bigint;
  /** Drill switch: the proposer never moves in dispute games. */
  faultLazyDefender: boolean;
  mempoolMaxPerSender: number;
  mempoolMaxTotal: number;
  /** Bytes. */
  rpcMaxRequestBytes: number;
  rpcMaxBatch: number;
  redisUrl?: string;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number): number {
  const v = env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ParallaxError('BAD_CONFIG', `${name} must be a non-negative integer, got "${v}"`);
  return n;
}

function big(env: Env, name: string, def: bigint): bigint {
  const v = env[name];
  if (v === undefined || v === '') return def;
  try {
    const n = BigInt(v);
    if (n < 0n) throw new Error();
    return n;
  } catch {
    throw new ParallaxError('BAD_CONFIG', `${name} must be a non-negative integer, got "${v}"`);
  }
}

function key(env: Env, name: string, def: Hex): Hex {
  const v = env[name];
  if (v === undefined || v === '') return def;
  if (!/^0x[0-9a-fA-F]{64}$/.test(v)) throw new ParallaxError('BAD_CONFIG', `${name} must be a 32-byte 0x-hex private key`);
  return v as Hex;
}

function optBig(env: Env, name: string): bigint | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : big(env, name, 0n);
}

function bool(env: Env, name: string): boolean {
  const v = env[name];
  if (v === undefined || v === '' || v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  throw new ParallaxError('BAD_CONFIG', `${name} must be 0/1 (or true/false), got "${v}"`);
}

/** Reads the configuration from `env` (default `process.env`). */
export function loadConfig(env: Env = process.env): NodeConfig {
  const keys = devPrivateKeys(4);
  const mode = env.EXECUTOR_MODE ?? 'parallel';
  if (mode !== 'parallel' && mode !== 'sequential') throw new ParallaxError('BAD_CONFIG', `EXECUTOR_MODE must be parallel or sequential, got "${mode}"`);
  const proverRpcPort = int(env, 'PROVER_RPC_PORT', 9547);
  const slashRewardPercent = big(env, 'SLASH_REWARD_PERCENT', DEFAULT_SLASH_REWARD_PERCENT);
  if (slashRewardPercent > 100n) throw new ParallaxError('BAD_CONFIG', `SLASH_REWARD_PERCENT must be 0..100, got "${env.SLASH_REWARD_PERCENT}"`);
  const treasury = env.TREASURY_ADDRESS;
  if (treasury !== undefined && treasury !== '' && !isAddress(treasury)) throw new ParallaxError('BAD_CONFIG', `TREASURY_ADDRESS must be an address, got "${treasury}"`);
  const gameClockSeconds = big(env, 'GAME_CLOCK_SECONDS', DEFAULT_GAME_CLOCK_SECONDS);
  if (gameClockSeconds === 0n) throw new ParallaxError('BAD_CONFIG', 'GAME_CLOCK_SECONDS must be positive');
  return {
    dataDir: resolve(env.DATA_DIR ?? 'data'),
    l1RpcUrl: env.L1_RPC_URL ?? 'http://127.0.0.1:8545',
    l2Host: env.L2_RPC_HOST ?? '127.0.0.1',
    l2Port: int(env, 'L2_RPC_PORT', 9545),
    challengerPort: int(env, 'CHALLENGER_RPC_PORT', 9546),
    l2ChainId: big(env, 'L2_CHAIN_ID', 901n),
    blockTimeMs: int(env, 'L2_BLOCK_TIME_MS', 1000),
    l2GasLimit: big(env, 'L2_GAS_LIMIT', 30_000_000n),
    executorMode: mode,
    executorWorkers: int(env, 'EXECUTOR_WORKERS', availableParallelism()),
    batchIntervalMs: int(env, 'BATCH_INTERVAL_MS', 2000),
    batchMaxBlocks: int(env, 'BATCH_MAX_BLOCKS', 64),
    batchMaxBytes: int(env, 'BATCH_MAX_BYTES', 120_000),
    proposeIntervalMs: int(env, 'PROPOSE_INTERVAL_MS', 2000),
    finalizeOutputs: env.FINALIZE_OUTPUTS === undefined || env.FINALIZE_OUTPUTS === '' ? true : bool(env, 'FINALIZE_OUTPUTS'),
    challengeWindowSeconds: big(env, 'CHALLENGE_WINDOW_SECONDS', 120n),
    proposerBondWei: big(env, 'PROPOSER_BOND_WEI', 10n ** 18n),
    challengerBondWei: big(env, 'CHALLENGER_BOND_WEI', 5n * 10n ** 17n),
    deployerKey: key(env, 'DEPLOYER_PRIVATE_KEY', keys[0]!),
    sequencerKey: key(env, 'SEQUENCER_PRIVATE_KEY', keys[1]!),
    proposerKey: key(env, 'PROPOSER_PRIVATE_KEY', keys[2]!),
    challengerKey: key(env, 'CHALLENGER_PRIVATE_KEY', keys[3]!),
    gameClockSeconds,
    slashRewardPercent,
    treasury: treasury === undefined || treasury === '' ? DEFAULT_TREASURY : (treasury as Hex),
    proverRpcUrl: env.PROVER_RPC_URL || `http://127.0.0.1:${proverRpcPort}`,
    proverRpcPort,
    faultBadRootBatch: optBig(env, 'FAULT_BAD_ROOT_BATCH'),
    faultBadExecutionBlock: optBig(env, 'FAULT_BAD_EXECUTION_BLOCK'),
    faultGarbageBatch: optBig(env, 'FAULT_GARBAGE_BATCH'),
    faultLazyDefender: bool(env, 'FAULT_LAZY_DEFENDER'),
    mempoolMaxPerSender: int(env, 'MEMPOOL_MAX_PER_SENDER', 64),
    mempoolMaxTotal: int(env, 'MEMPOOL_MAX_TOTAL', 10_000),
    rpcMaxRequestBytes: int(env, 'RPC_MAX_REQUEST_BYTES', 5 * 1024 * 1024),
    rpcMaxBatch: int(env, 'RPC_MAX_BATCH', 100),
    redisUrl: env.REDIS_URL === '' ? undefined : env.REDIS_URL,
  };
}
