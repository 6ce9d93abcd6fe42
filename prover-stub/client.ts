/**
 * Client of the prover-stub's JSON-RPC (`prover_attestStep`), used by the challenger to win a
 * dispute and by the proposer to defend one.
 */
import type { Address, Hex } from 'viem';
import { ParallaxError } from '../sequencer/errors.ts';

/** Default URL of the prover-stub's JSON-RPC server. */
export const DEFAULT_PROVER_URL = 'http://127.0.0.1:9547';

/** What `prover_attestStep` returns (see prover-stub/README.md). */
export interface StepAttestationJson {
  preOutputRoot: Hex;
  batchDataHash: Hex;
  /** Hex quantity. */
  l2BlockNumber: Hex;
  postOutputRoot: Hex;
  /** The prover's EIP-712 signature of the `StepAttestation`. */
  signature: Hex;
  signer: Address;
  signatures: Hex[];
  /** `abi.encode(bytes[] signatures)`: the `proof` argument of `DisputeGameManager.step`. */
  proof: Hex;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Calls `prover_attestStep(l2BlockNumber, preOutputRoot)` on the prover-stub at `url` (block
 * number sent as a hex quantity; 30 s timeout).
 * @throws ParallaxError `PROVER_ERROR` with the server's JSON-RPC error message (block not
 *   derived yet, pre-root mismatch), `PROVER_UNREACHABLE` when the request fails.
 */
export async function requestStepAttestation(url: string, l2BlockNumber: bigint, preOutputRoot: Hex): Promise<StepAttestationJson> {
  let body: { result?: StepAttestationJson; error?: { code: number; message: string } };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'prover_attestStep', params: [`0x${l2BlockNumber.toString(16)}`, preOutputRoot] }),
      signal: AbortSignal.timeout(30_000),
    });
    body = (await res.json()) as typeof body;
  } catch (cause) {
    throw new ParallaxError('PROVER_UNREACHABLE', `prover at ${url}: ${message(cause)}`, { cause });
  }
  if (body.error !== undefined || body.result === undefined) {
    throw new ParallaxError('PROVER_ERROR', `prover: ${body.error?.message ?? 'no result'} (code ${body.error?.code})`);
  }
  return body.result;
}
