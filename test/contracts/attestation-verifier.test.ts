/**
 * prover-stub/contracts/AttestationVerifier.sol: the EIP-712 StepAttestation M-of-N check
 * (docs/dispute-game.md): constructor validation, the domain, and every way a proof can fail.
 * Run with `npx hardhat test nodejs` or `node --test 'test/contracts/*.test.ts'`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { network } from 'hardhat';
import { concatHex, domainSeparator, getAddress, keccak256, toHex, zeroAddress } from 'viem';
import type { Hex } from 'viem';
import { compileContracts, encodeStepProof, sortSignaturesBySigner, stepAttestationTypedData } from '../../sequencer/l1/contracts.ts';
import { proverAccounts, stepProof } from './stack.ts';

await compileContracts();
const connection = await network.create();
const { viem, networkHelpers } = connection;
const publicClient = await viem.getPublicClient();
const chainId = await publicClient.getChainId();

const [p0, p1, p2, outsider] = proverAccounts as [
  (typeof proverAccounts)[0],
  (typeof proverAccounts)[0],
  (typeof proverAccounts)[0],
  (typeof proverAccounts)[0],
];
const A = {
  preOutputRoot: keccak256(toHex('pre')),
  batchDataHash: keccak256(toHex('batch')),
  l2BlockNumber: 42n,
  postOutputRoot: keccak256(toHex('post')),
};
const args = (a: typeof A, proof: Hex) => [a.preOutputRoot, a.batchDataHash, a.l2BlockNumber, a.postOutputRoot, proof] as const;

async function twoOfThree() {
  return viem.deployContract('AttestationVerifier', [[p0.address, p1.address, p2.address], 2n]);
}
const deployed = () => networkHelpers.loadFixture(twoOfThree);

describe('AttestationVerifier', () => {
  before(async () => {
    await deployed();
  });
  after(async () => {
    await connection.close();
  });

  it('validates its allow list and threshold (InvalidThreshold, ZeroAddress, DuplicateProver)', async () => {
    await assert.rejects(viem.deployContract('AttestationVerifier', [[p0.address], 0n]), /InvalidThreshold/);
    await assert.rejects(viem.deployContract('AttestationVerifier', [[p0.address], 2n]), /InvalidThreshold/);
    await assert.rejects(viem.deployContract('AttestationVerifier', [[], 1n]), /InvalidThreshold/);
    await assert.rejects(viem.deployContract('AttestationVerifier', [[p0.address, zeroAddress], 1n]), /ZeroAddress/);
    await assert.rejects(viem.deployContract('AttestationVerifier', [[p0.address, p1.address, p0.address], 1n]), /DuplicateProver/);
    const v = await deployed();
    assert.deepEqual(await v.read.provers(), [p0.address, p1.address, p2.address]);
    assert.equal(await v.read.threshold(), 2n);
    assert.equal(await v.read.isProver([p1.address]), true);
    assert.equal(await v.read.isProver([outsider.address]), false);
  });

  it('uses the spec’s EIP-712 domain and struct', async () => {
    const v = await deployed();
    assert.equal(
      await v.read.STEP_ATTESTATION_TYPEHASH(),
      keccak256(toHex('StepAttestation(bytes32 preOutputRoot,bytes32 batchDataHash,uint64 l2BlockNumber,bytes32 postOutputRoot)')),
    );
    const domain = { name: 'ParallaxProverStub', version: '1', chainId, verifyingContract: v.address } as const;
    assert.equal(await v.read.domainSeparator(), domainSeparator({ domain }));
    const [, name, version, cid, verifyingContract] = await v.read.eip712Domain();
    assert.deepEqual([name, version, cid, getAddress(verifyingContract)], ['ParallaxProverStub', '1', BigInt(chainId), getAddress(v.address)]);
  });

  it('accepts threshold-many or more distinct allow-listed signers in ascending order', async () => {
    const v = await deployed();
    assert.equal(await v.read.verifyStep(args(A, await stepProof(v.address, chainId, A, [p0, p1]))), true);
    assert.equal(await v.read.verifyStep(args(A, await stepProof(v.address, chainId, A, [p2, p0]))), true);
    assert.equal(await v.read.verifyStep(args(A, await stepProof(v.address, chainId, A, [p0, p1, p2]))), true);
  });

  it('rejects: below threshold, duplicate or descending signers, an unlisted signer, bad signature bytes', async () => {
    const v = await deployed();
    const td = stepAttestationTypedData(v.address, chainId, A);
    const sig = async (p: typeof p0) => ({ signer: p.address, signature: await p.signTypedData(td) });
    const [s0, s1, s2, sx] = await Promise.all([sig(p0), sig(p1), sig(p2), sig(outsider)]);
    const ascending = sortSignaturesBySigner([s0!, s1!]);
    const cases: Array<[string, Hex[]]> = [
      ['no signature', []],
      ['one of two', [s0!.signature]],
      ['same signer twice', [s0!.signature, s0!.signature]],
      ['descending', [...ascending].reverse()],
      ['an unlisted signer among two valid ones', sortSignaturesBySigner([s0!, s2!, sx!])],
      ['an unlisted signer making up the threshold', sortSignaturesBySigner([s1!, sx!])],
      ['64-byte signature', [ascending[0]!, ascending[1]!.slice(0, 130) as Hex]],
      ['garbage signature', [ascending[0]!, concatHex([keccak256('0x01'), keccak256('0x02'), '0x1b'])]],
      ['high-s (malleable) signature', [ascending[0]!, malleate(ascending[1]!)]],
    ];
    for (const [why, sigs] of cases) {
      assert.equal(await v.read.verifyStep(args(A, encodeStepProof(sigs))), false, why);
    }
    // the valid pair for contrast
    assert.equal(await v.read.verifyStep(args(A, encodeStepProof(ascending))), true);
  });

  it('binds every field, the chain and the contract: a signature for anything else fails', async () => {
    const v = await deployed();
    const other = await viem.deployContract('AttestationVerifier', [[p0.address, p1.address, p2.address], 2n]);
    const proof = await stepProof(v.address, chainId, A, [p0, p1]);
    for (const changed of [
      { ...A, preOutputRoot: keccak256(toHex('x')) },
      { ...A, batchDataHash: keccak256(toHex('x')) },
      { ...A, l2BlockNumber: 43n },
      { ...A, postOutputRoot: keccak256(toHex('x')) },
    ]) {
      assert.equal(await v.read.verifyStep(args(changed, proof)), false);
    }
    assert.equal(await other.read.verifyStep(args(A, proof)), false);
    assert.equal(await v.read.verifyStep(args(A, await stepProof(v.address, chainId + 1, A, [p0, p1]))), false);
  });

  it('reverts only on a proof that is not abi-encoded bytes[]', async () => {
    const v = await deployed();
    await assert.rejects(v.read.verifyStep(args(A, '0x1234')));
    await assert.rejects(v.read.verifyStep(args(A, '0x')));
  });
});

/** The same signature with s' = n - s and the other v: valid for ecrecover, rejected by OpenZeppelin ECDSA. */
function malleate(sig: Hex): Hex {
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const r = sig.slice(2, 66);
  const s = BigInt(`0x${sig.slice(66, 130)}`);
  const v = Number.parseInt(sig.slice(130, 132), 16);
  return `0x${r}${(n - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
}
