/**
 * sequencer/l1/contracts.ts: artifacts, deployRollupContracts (inbox, verifier, oracle, manager,
 * initialize) through viem clients of an in-process Hardhat network, then one batch + one output
 * + a challenge that opens a game; the addresses file round trip; the EIP-712 step helpers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { network } from 'hardhat';
import { decodeAbiParameters, getAddress, getContract, hashTypedData, keccak256, parseEther, recoverTypedDataAddress } from 'viem';
import { devAddresses } from '../../sequencer/chain/genesis.ts';
import { ParallaxError } from '../../sequencer/errors.ts';
import {
  artifactPath,
  artifactsAreFresh,
  attestationVerifierAbi,
  batchInboxAbi,
  compileContracts,
  DEFAULT_GAME_CLOCK_SECONDS,
  DEFAULT_PROVER,
  DEFAULT_SLASH_REWARD_PERCENT,
  DEFAULT_TREASURY,
  deployRollupContracts,
  disputeGameManagerAbi,
  encodeStepProof,
  GAME_STATUS,
  loadArtifact,
  OUTPUT_STATUS,
  outputOracleAbi,
  readAddresses,
  sortSignaturesBySigner,
  stepAttestationTypedData,
  writeAddresses,
} from '../../sequencer/l1/contracts.ts';
import { proverAccounts } from './stack.ts';

await compileContracts();
const connection = await network.create();
const { viem } = connection;
const [deployer, sequencer, proposer, challenger] = await viem.getWalletClients();
const publicClient = await viem.getPublicClient();
const tmp = mkdtempSync(join(tmpdir(), 'parallax-l1-'));
const GENESIS = keccak256('0x6765');

describe('sequencer/l1/contracts', () => {
  after(async () => {
    rmSync(tmp, { recursive: true, force: true });
    await connection.close();
  });

  it('loads ABIs and bytecode from the Hardhat artifacts (both source folders)', () => {
    assert.equal(artifactsAreFresh(), true);
    const inbox = loadArtifact('BatchInbox');
    assert.match(inbox.bytecode, /^0x[0-9a-f]{100,}$/);
    assert.ok(inbox.abi.some((e) => e.type === 'function' && e.name === 'appendBatch'));
    assert.equal(batchInboxAbi(), inbox.abi);
    assert.ok(outputOracleAbi().some((e) => e.type === 'function' && e.name === 'proposeOutput'));
    assert.ok(disputeGameManagerAbi().some((e) => e.type === 'function' && e.name === 'step'));
    assert.ok(attestationVerifierAbi().some((e) => e.type === 'function' && e.name === 'verifyStep'));
    assert.match(artifactPath('AttestationVerifier'), /artifacts[/\\]prover-stub[/\\]contracts[/\\]AttestationVerifier\.sol/);
    assert.throws(
      () => loadArtifact('Nope' as 'BatchInbox'),
      (e: unknown) => e instanceof ParallaxError && e.code === 'UNKNOWN_CONTRACT',
    );
  });

  it('defaults: prover = L1 dev account #4, treasury 0x…dEaD, 50%, 300 s', () => {
    assert.equal(DEFAULT_PROVER, devAddresses(5)[4]);
    assert.equal(DEFAULT_TREASURY, getAddress('0x000000000000000000000000000000000000dead'));
    assert.equal(DEFAULT_SLASH_REWARD_PERCENT, 50n);
    assert.equal(DEFAULT_GAME_CLOCK_SECONDS, 300n);
  });

  it('deploys and wires the four contracts, then a batch, an output and a challenge that opens a game', async () => {
    const addrs = await deployRollupContracts({
      wallet: deployer,
      publicClient,
      sequencer: sequencer.account.address,
      proposer: proposer.account.address,
      challengeWindowSeconds: 600n,
      proposerBondWei: parseEther('1'),
      challengerBondWei: parseEther('0.1'),
      genesisOutputRoot: GENESIS,
    });
    assert.equal(addrs.l1ChainId, await publicClient.getChainId());
    assert.ok(addrs.deployedAtBlock > 0n);
    assert.ok(addrs.deployedAtBlock <= (await publicClient.getBlockNumber()));
    assert.equal(new Set([addrs.batchInbox, addrs.outputOracle, addrs.disputeGameManager, addrs.stepVerifier]).size, 4);

    const inbox = getContract({ address: addrs.batchInbox, abi: batchInboxAbi(), client: { public: publicClient, wallet: sequencer } });
    const oracle = getContract({ address: addrs.outputOracle, abi: outputOracleAbi(), client: { public: publicClient, wallet: proposer } });
    const manager = getContract({ address: addrs.disputeGameManager, abi: disputeGameManagerAbi(), client: { public: publicClient } });
    const verifier = getContract({ address: addrs.stepVerifier, abi: attestationVerifierAbi(), client: { public: publicClient } });
    assert.equal(String(await oracle.read.inbox()).toLowerCase(), addrs.batchInbox.toLowerCase());
    assert.equal(await oracle.read.challengeWindow(), 600n);
    assert.equal(await oracle.read.genesisOutputRoot(), GENESIS);
    assert.equal(getAddress(String(await oracle.read.treasury())), DEFAULT_TREASURY);
    assert.equal(await oracle.read.slashRewardPercent(), 50n);
    assert.equal(getAddress(String(await oracle.read.disputeGameManager())), getAddress(addrs.disputeGameManager));
    assert.equal(getAddress(String(await manager.read.oracle())), getAddress(addrs.outputOracle));
    assert.equal(getAddress(String(await manager.read.inbox())), getAddress(addrs.batchInbox));
    assert.equal(getAddress(String(await manager.read.verifier())), getAddress(addrs.stepVerifier));
    assert.equal(await manager.read.clockSeconds(), 300n);
    assert.deepEqual(await verifier.read.provers(), [DEFAULT_PROVER]);
    assert.equal(await verifier.read.threshold(), 1n);

    const data = '0xc0ffee' as const;
    const h1 = await inbox.write.appendBatch([1n, 4n, data], { account: sequencer.account, chain: sequencer.chain });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash: h1 })).status, 'success');
    const batch = (await inbox.read.getBatch([0n])) as { lastBlock: bigint; dataHash: string };
    assert.equal(batch.lastBlock, 4n);
    assert.equal(batch.dataHash, keccak256(data));

    const h2 = await oracle.write.depositBond([], { account: proposer.account, chain: proposer.chain, value: parseEther('1') });
    await publicClient.waitForTransactionReceipt({ hash: h2 });
    const root = keccak256('0x01');
    const h3 = await oracle.write.proposeOutput([0n, root, root], { account: proposer.account, chain: proposer.chain });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash: h3 })).status, 'success');
    const out = (await oracle.read.getOutput([0n])) as { l2BlockNumber: bigint; status: number; outputRoot: string };
    assert.equal(out.l2BlockNumber, 4n);
    assert.equal(out.status, OUTPUT_STATUS.Proposed);
    assert.equal(out.outputRoot, root);

    const h4 = await oracle.write.challenge([0n], { account: challenger.account, chain: challenger.chain, value: parseEther('0.1') });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash: h4 })).status, 'success');
    const game = (await manager.read.getGame([0n])) as { lo: bigint; hi: bigint; loRoot: string; status: number };
    assert.equal(game.lo, 0n);
    assert.equal(game.hi, 4n);
    assert.equal(game.loRoot, GENESIS);
    assert.equal(game.status, GAME_STATUS.InProgress);

    const file = join(tmp, 'sub', 'addresses.json');
    writeAddresses(file, addrs);
    assert.deepEqual(readAddresses(file), addrs);
  });

  it('deploys with a custom M-of-N prover set, treasury, share and clock', async () => {
    const provers = proverAccounts.slice(0, 3).map((a) => a.address);
    const addrs = await deployRollupContracts({
      wallet: deployer,
      publicClient,
      sequencer: sequencer.account.address,
      proposer: proposer.account.address,
      challengeWindowSeconds: 60n,
      proposerBondWei: 1n,
      challengerBondWei: 1n,
      genesisOutputRoot: GENESIS,
      provers,
      proverThreshold: 2n,
      treasury: challenger.account.address,
      slashRewardPercent: 30n,
      gameClockSeconds: 42n,
    });
    const read = (address: `0x${string}`, abi: ReturnType<typeof outputOracleAbi>, functionName: string) =>
      publicClient.readContract({ address, abi, functionName });
    assert.deepEqual(await read(addrs.stepVerifier, attestationVerifierAbi(), 'provers'), provers);
    assert.equal(await read(addrs.stepVerifier, attestationVerifierAbi(), 'threshold'), 2n);
    assert.equal(await read(addrs.outputOracle, outputOracleAbi(), 'slashRewardPercent'), 30n);
    assert.equal(getAddress(String(await read(addrs.outputOracle, outputOracleAbi(), 'treasury'))), getAddress(challenger.account.address));
    assert.equal(await read(addrs.disputeGameManager, disputeGameManagerAbi(), 'clockSeconds'), 42n);
  });

  it('builds EIP-712 step attestations the verifier accepts; sorts and encodes signatures', async () => {
    const provers = proverAccounts.slice(0, 3);
    const verifier = await viem.deployContract('AttestationVerifier', [provers.map((p) => p.address), 3n]);
    const chainId = await publicClient.getChainId();
    const a = { preOutputRoot: keccak256('0x01'), batchDataHash: keccak256('0x02'), l2BlockNumber: 7n, postOutputRoot: keccak256('0x03') };
    const td = stepAttestationTypedData(verifier.address, chainId, a);
    assert.deepEqual(td.domain, { name: 'ParallaxProverStub', version: '1', chainId, verifyingContract: verifier.address });
    assert.deepEqual(stepAttestationTypedData({ ...a, chainId, verifyingContract: verifier.address }), td);
    assert.equal(hashTypedData(td), await verifier.read.attestationDigest([a.preOutputRoot, a.batchDataHash, a.l2BlockNumber, a.postOutputRoot]));

    const signed = await Promise.all(provers.map(async (p) => ({ signer: p.address, signature: await p.signTypedData(td) })));
    assert.equal(await recoverTypedDataAddress({ ...td, signature: signed[0]!.signature }), provers[0]!.address);
    const sorted = sortSignaturesBySigner(signed);
    const order = [...provers].map((p) => p.address).sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
    assert.deepEqual(
      sorted,
      order.map((addr) => signed.find((s) => s.signer === addr)!.signature),
    );
    const proof = encodeStepProof(sorted);
    assert.deepEqual(decodeAbiParameters([{ type: 'bytes[]' }], proof)[0], sorted);
    assert.equal(await verifier.read.verifyStep([a.preOutputRoot, a.batchDataHash, a.l2BlockNumber, a.postOutputRoot, proof]), true);
    assert.throws(
      () => sortSignaturesBySigner([signed[0]!, { ...signed[0]!, signer: signed[0]!.signer.toLowerCase() as `0x${string}` }]),
      (e: unknown) => e instanceof ParallaxError && e.code === 'DUPLICATE_SIGNER',
    );
  });

  it('rejects malformed addresses files, including ones from before the dispute game', () => {
    const file = join(tmp, 'bad.json');
    writeFileSync(file, JSON.stringify({ batchInbox: '0x1234', outputOracle: '0x1234', l1ChainId: 1, deployedAtBlock: '1' }));
    assert.throws(() => readAddresses(file), (e: unknown) => e instanceof ParallaxError && e.code === 'ADDRESSES_INVALID');
    const a = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
    writeFileSync(file, JSON.stringify({ batchInbox: a, outputOracle: a, l1ChainId: 1, deployedAtBlock: '1' }));
    assert.throws(
      () => readAddresses(file),
      (e: unknown) => e instanceof ParallaxError && e.code === 'ADDRESSES_INVALID' && /disputeGameManager/.test(e.message),
    );
    assert.throws(
      () => readAddresses(join(tmp, 'missing.json')),
      (e: unknown) => e instanceof ParallaxError && e.code === 'ADDRESSES_NOT_FOUND',
    );
  });
});
