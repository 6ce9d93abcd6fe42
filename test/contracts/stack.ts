/**
 * Shared setup of the contract suites (not a test file: it only exports): the full L1 stack
 * (BatchInbox, AttestationVerifier, OutputOracle, DisputeGameManager, initialize) on an in-process
 * Hardhat network, named roles, a fake "true" L2 chain of output roots and prover signing.
 */
import type { network } from 'hardhat';
import { keccak256, parseEther, toHex } from 'viem';
import type { Address, Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { encodeStepProof, sortSignaturesBySigner, stepAttestationTypedData } from '../../sequencer/l1/contracts.ts';

export type Connection = Awaited<ReturnType<typeof network.create>>;

export const WINDOW = 3600n; // seconds
export const PROPOSER_BOND = parseEther('1');
export const CHALLENGER_BOND = parseEther('0.1');
export const CLOCK = 300n; // seconds per side
export const SLASH_PERCENT = 50n;
export const GENESIS_ROOT: Hex = keccak256(toHex('genesis-output'));

/** The honest chain's output root at L2 block n (block 0: the genesis output root). */
export const trueRoot = (n: bigint): Hex => (n === 0n ? GENESIS_ROOT : keccak256(toHex(`true-${n}`)));
/** A wrong output root at L2 block n. */
export const wrongRoot = (n: bigint): Hex => keccak256(toHex(`wrong-${n}`));
/** State root stored next to an output root (the oracle does not interpret it). */
export const stateRootOf = (outputRoot: Hex): Hex => keccak256(outputRoot);

/** Five prover keys (local accounts), in a fixed order (not sorted by address). */
export const proverAccounts = [1, 2, 3, 4, 5].map((i) => privateKeyToAccount(keccak256(toHex(`parallax-test-prover-${i}`))));

/** Named wallet clients of the Hardhat network. */
export async function roles(conn: Connection) {
  const [deployer, sequencer, proposer, challenger, other, challenger2, treasury] = await conn.viem.getWalletClients();
  return { deployer: deployer!, sequencer: sequencer!, proposer: proposer!, challenger: challenger!, other: other!, challenger2: challenger2!, treasury: treasury! };
}

export interface StackOptions {
  provers?: Address[];
  threshold?: bigint;
  proposerBond?: bigint;
  slashRewardPercent?: bigint;
  clock?: bigint;
}

/** Deploys the four contracts and initializes the oracle (as `deployRollupContracts` does). */
export async function deployStack(conn: Connection, o: StackOptions = {}) {
  const { viem } = conn;
  const r = await roles(conn);
  const client = { client: { wallet: r.deployer } };
  const inbox = await viem.deployContract('BatchInbox', [r.sequencer.account.address], client);
  const verifier = await viem.deployContract(
    'AttestationVerifier',
    [o.provers ?? [proverAccounts[0]!.address], o.threshold ?? 1n],
    client,
  );
  const oracle = await viem.deployContract(
    'OutputOracle',
    [
      inbox.address,
      r.proposer.account.address,
      WINDOW,
      o.proposerBond ?? PROPOSER_BOND,
      CHALLENGER_BOND,
      GENESIS_ROOT,
      r.treasury.account.address,
      o.slashRewardPercent ?? SLASH_PERCENT,
    ],
    client,
  );
  const manager = await viem.deployContract('DisputeGameManager', [oracle.address, inbox.address, verifier.address, o.clock ?? CLOCK], client);
  await oracle.write.initialize([manager.address], { account: r.deployer.account });
  return { inbox, verifier, oracle, manager, ...r };
}

export type Stack = Awaited<ReturnType<typeof deployStack>>;

/**
 * Signs the step attestation with `signers` and returns the `step` proof
 * (signatures sorted by signer, unless `order` is 'as-given').
 */
export async function stepProof(
  verifier: Address,
  chainId: number,
  a: { preOutputRoot: Hex; batchDataHash: Hex; l2BlockNumber: bigint; postOutputRoot: Hex },
  signers: ReadonlyArray<(typeof proverAccounts)[number]> = [proverAccounts[0]!],
  order: 'sorted' | 'as-given' = 'sorted',
): Promise<Hex> {
  const td = stepAttestationTypedData(verifier, chainId, a);
  const signed = await Promise.all(signers.map(async (s) => ({ signer: s.address, signature: await s.signTypedData(td) })));
  return encodeStepProof(order === 'sorted' ? sortSignaturesBySigner(signed) : signed.map((s) => s.signature));
}
