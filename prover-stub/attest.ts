/**
 * The prover's one job: attest a single L2 block transition (docs/dispute-game.md,
 * `AttestationVerifier`). Given its own chain derived from L1 (the challenger's derivation
 * library), for `(l2BlockNumber, preOutputRoot)` it
 *
 * 1. refuses unless block `l2BlockNumber` is derived and its own output root of block
 *    `l2BlockNumber - 1` equals `preOutputRoot`;
 * 2. re-executes block `l2BlockNumber` on its own stored state of block `l2BlockNumber - 1`
 *    (rule D2 applied again; the result must reproduce the derived block hash);
 * 3. signs the EIP-712 `StepAttestation(preOutputRoot, batchDataHash, l2BlockNumber,
 *    postOutputRoot)` with its key, where `batchDataHash` is the inbox `dataHash` of the batch
 *    that carries the block, under the domain `ParallaxProverStub`/`1`/L1 chain id/the
 *    `AttestationVerifier` address.
 *
 * The result's `proof` is the `proof` argument of `DisputeGameManager.step`:
 * `abi.encode(bytes[] signatures)` with this prover's signature alone (devnet: 1-of-1 committee).
 */
import { getAddress, type Address, type Hex, type LocalAccount } from 'viem';
import type { DerivedChain } from '../challenger/derivation/index.ts';
import { ParallaxError } from '../sequencer/errors.ts';
import { encodeStepProof, stepAttestationTypedData } from '../sequencer/l1/contracts.ts';

/** The attested statement (the EIP-712 struct). */
export interface StepAttestation {
  /** Output root of L2 block `l2BlockNumber - 1`. */
  preOutputRoot: Hex;
  /** keccak256 of the bytes of the inbox batch that carries the block. */
  batchDataHash: Hex;
  l2BlockNumber: bigint;
  /** Output root of L2 block `l2BlockNumber` after executing it on the pre-state. */
  postOutputRoot: Hex;
}

/** A signed attestation, ready for `DisputeGameManager.step(gameId, postOutputRoot, proof)`. */
export interface SignedStepAttestation extends StepAttestation {
  /** This prover's 65-byte EIP-712 signature. */
  signature: Hex;
  /** This prover's address (the signer of `signature`). */
  signer: Address;
  /** All signatures in `proof` (here: `[signature]`), ascending by signer. */
  signatures: Hex[];
  /** `abi.encode(bytes[] signatures)`. */
  proof: Hex;
}

/** Why the prover cannot attest (stable `code`s; the server maps them to JSON-RPC errors). */
export class AttestationError extends ParallaxError {
  constructor(code: 'BLOCK_NOT_DERIVED' | 'PRE_ROOT_MISMATCH' | 'BAD_PARAMS' | 'NO_VERIFIER', message: string) {
    super(code, message);
    this.name = 'AttestationError';
  }
}

/** What {@link attestStep} needs. */
export interface AttestContext {
  chain: DerivedChain;
  /** The prover key (a viem local account: `privateKeyToAccount(PROVER_PRIVATE_KEY)`). */
  account: LocalAccount;
  /** L1 chain id (EIP-712 domain). */
  l1ChainId: number;
  /** `AttestationVerifier` address (EIP-712 `verifyingContract`), or undefined when unknown. */
  stepVerifier: Address | undefined;
}

/**
 * Attests the execution of L2 block `l2BlockNumber` from `preOutputRoot` (module doc).
 * @param l2BlockNumber >= 1.
 * @param preOutputRoot 32-byte hex.
 * @throws AttestationError `BAD_PARAMS` (block 0, malformed root), `BLOCK_NOT_DERIVED` (not derived
 *   yet: retry later), `PRE_ROOT_MISMATCH` (its own output root of block n-1 differs: it will
 *   never sign this), `NO_VERIFIER` (the deployment names no step verifier); ParallaxError
 *   `REEXECUTION_MISMATCH` when re-execution does not reproduce the derived block (a bug).
 */
export async function attestStep(ctx: AttestContext, l2BlockNumber: bigint, preOutputRoot: Hex): Promise<SignedStepAttestation> {
  if (l2BlockNumber < 1n) throw new AttestationError('BAD_PARAMS', `L2 block ${l2BlockNumber}: only blocks >= 1 have a pre-state`);
  if (!/^0x[0-9a-fA-F]{64}$/.test(preOutputRoot)) throw new AttestationError('BAD_PARAMS', `preOutputRoot ${preOutputRoot} is not 32-byte hex`);
  if (ctx.stepVerifier === undefined) throw new AttestationError('NO_VERIFIER', 'the deployment has no stepVerifier address; cannot build the EIP-712 domain');
  const pre = ctx.chain.outputRoot(l2BlockNumber - 1n);
  if (pre === undefined || ctx.chain.block(l2BlockNumber) === undefined) {
    throw new AttestationError('BLOCK_NOT_DERIVED', `L2 block ${l2BlockNumber} is not derived yet (derived head ${ctx.chain.head.number})`);
  }
  if (pre.toLowerCase() !== preOutputRoot.toLowerCase()) {
    throw new AttestationError('PRE_ROOT_MISMATCH', `pre output root ${preOutputRoot} is not this prover's output root of L2 block ${l2BlockNumber - 1n} (${pre})`);
  }
  const step = await ctx.chain.reexecute(l2BlockNumber);
  const message: StepAttestation = {
    preOutputRoot: step.pre.outputRoot,
    batchDataHash: step.batch.dataHash,
    l2BlockNumber,
    postOutputRoot: step.post.outputRoot,
  };
  const signature = await ctx.account.signTypedData(stepAttestationTypedData({ chainId: ctx.l1ChainId, verifyingContract: ctx.stepVerifier, ...message }));
  return { ...message, signature, signer: getAddress(ctx.account.address), signatures: [signature], proof: encodeStepProof([signature]) };
}

/** JSON form of a {@link SignedStepAttestation} (`l2BlockNumber` as a hex quantity). */
export function attestationToJson(a: SignedStepAttestation): Record<string, unknown> {
  return { ...a, l2BlockNumber: `0x${a.l2BlockNumber.toString(16)}` };
}
