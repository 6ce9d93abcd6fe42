/**
 * Signs a plan's transactions with viem (EIP-1559, chain {@link BENCH_CHAIN_ID}) and caches them
 * on disk: `<cacheDir>/<workload>-<n>.json` holds the signed txs and a hash of the plan they
 * were signed from, so a changed plan (amounts, gas, addresses) is re-signed instead of reused.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex, hexToBytes, type Hex } from 'viem';
import { signTransaction } from 'viem/accounts';
import { BENCH_CHAIN_ID, MAX_FEE, senderKey, TIP, type Plan, type PlannedTx } from './workloads.ts';

/** Hash identifying a plan's signed form (its txs, fee fields, chain id and key derivation). */
export function planHash(plan: Plan): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: 1, chainId: String(BENCH_CHAIN_ID), maxFee: String(MAX_FEE), tip: String(TIP), key0: senderKey(0) }));
  for (const t of plan.txs) h.update(`${t.sender}|${t.nonce}|${t.to}|${t.value}|${t.data}|${t.gas}\n`);
  return h.digest('hex');
}

/** Signs one planned tx (viem, local key). */
export async function signPlanned(t: PlannedTx): Promise<Uint8Array> {
  const signed = await signTransaction({
    privateKey: senderKey(t.sender),
    transaction: {
      chainId: Number(BENCH_CHAIN_ID),
      type: 'eip1559',
      nonce: t.nonce,
      to: t.to,
      value: t.value,
      data: t.data === '0x' ? undefined : t.data,
      gas: t.gas,
      maxFeePerGas: MAX_FEE,
      maxPriorityFeePerGas: TIP,
    },
  });
  return hexToBytes(signed);
}

/**
 * The plan's signed txs, in plan order: from the cache when it holds this exact plan, else
 * signed now and written to the cache (atomically: temp file + rename).
 * @param cacheDir folder of the cache (created if missing).
 */
export async function signPlan(plan: Plan, cacheDir: string): Promise<{ txs: Uint8Array[]; cached: boolean; file: string }> {
  const file = join(cacheDir, `${plan.workload}-${plan.txs.length}.json`);
  const hash = planHash(plan);
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as { hash: string; txs: Hex[] };
    if (c.hash === hash && c.txs.length === plan.txs.length) return { txs: c.txs.map((t) => hexToBytes(t)), cached: true, file };
  } catch {
    // no usable cache
  }
  const txs: Uint8Array[] = [];
  for (const t of plan.txs) txs.push(await signPlanned(t));
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ workload: plan.workload, n: plan.txs.length, hash, txs: txs.map((t) => bytesToHex(t)) }));
  renameSync(tmp, file);
  return { txs, cached: false, file };
}
