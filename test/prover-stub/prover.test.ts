/**
 * prover-stub against an in-process Hardhat L1: it derives the chain from the inbox (the
 * challenger's derivation library), re-executes one block and signs an EIP-712 StepAttestation
 * that viem's `verifyTypedData` and the on-chain `AttestationVerifier` both accept; it refuses a
 * wrong pre-state and blocks it has not derived, over JSON-RPC with clear errors. One block of the
 * posted data carries a tx the executor rejects (rule D2: dropped, also on re-execution).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { network } from 'hardhat';
import { bytesToHex, getAddress, keccak256, parseEther, verifyTypedData, type Hex, type PublicClient, type WalletClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { silentLogger } from '../../challenger/log.ts';
import { startProver, type ProverHandle } from '../../prover-stub/index.ts';
import { Batcher } from '../../sequencer/batcher/batcher.ts';
import { devnetGenesisOutputRoot } from '../../sequencer/chain/genesis-output.ts';
import { devPrivateKeys } from '../../sequencer/chain/genesis.ts';
import { encodeBatch } from '../../sequencer/codec/batch.ts';
import {
  attestationVerifierAbi,
  batchInboxAbi,
  compileContracts,
  DEFAULT_PROVER,
  deployRollupContracts,
  stepAttestationTypedData,
  type RollupAddresses,
} from '../../sequencer/l1/contracts.ts';
import { MemChain } from '../challenger/l2.ts';

await compileContracts();
const connection = await network.create();
const { viem } = connection;
const [deployer, sequencer, proposer] = (await viem.getWalletClients()) as unknown as WalletClient[];
const publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
const tmp = mkdtempSync(join(tmpdir(), 'parallax-prover-'));
const proverAccount = privateKeyToAccount(devPrivateKeys(5)[4]!);

type RpcReply = { result?: Record<string, string>; error?: { code: number; message: string; data?: { reason: string } } };

describe('prover-stub', () => {
  let chain: MemChain;
  let a: RollupAddresses;
  let prover: ProverHandle;
  /** Raw txs of the hand-made block 4: a replayed tx (rejected, dropped) and a valid transfer. */
  let block4: Hex[];
  const rpc = async (method: string, params: unknown[]): Promise<RpcReply> => {
    const res = await fetch(prover.rpcUrl!, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    return (await res.json()) as RpcReply;
  };

  before(async () => {
    chain = await MemChain.create(tmp);
    for (let i = 0; i < 3; i++) await chain.addBlock(2);
    a = await deployRollupContracts({
      wallet: deployer!,
      publicClient,
      sequencer: sequencer!.account!.address,
      proposer: proposer!.account!.address,
      challengeWindowSeconds: 600n,
      proposerBondWei: parseEther('1'),
      challengerBondWei: parseEther('0.1'),
      genesisOutputRoot: await devnetGenesisOutputRoot(),
    });
    const batcher = new Batcher({ chain, publicClient, walletClient: sequencer!, inbox: a.batchInbox, logger: silentLogger });
    assert.equal((await batcher.tick())?.lastBlock, 3n);
    // Block 4, posted by hand: block 2's first tx again (nonce already used) and a fresh transfer.
    block4 = [chain.txs(2n)[0]!, await chain.sign(0, { to: proposer!.account!.address, value: 1n })];
    const data = bytesToHex(encodeBatch([{ number: 4n, timestamp: chain.header(3n)!.timestamp + 2n, txs: block4 }]).data);
    const hash = await sequencer!.writeContract({
      address: a.batchInbox,
      abi: batchInboxAbi(),
      functionName: 'appendBatch',
      args: [4n, 4n, data],
      account: sequencer!.account!,
      chain: sequencer!.chain ?? null,
    });
    await publicClient.waitForTransactionReceipt({ hash });
    prover = await startProver({ publicClient, addresses: a, dataDir: tmp, account: proverAccount, rpcPort: 0, autoStart: false, logger: silentLogger });
  });
  after(async () => {
    await prover.stop();
    chain.close();
    rmSync(tmp, { recursive: true, force: true });
    await connection.close();
  });

  it('refuses blocks it has not derived yet', async () => {
    assert.equal(prover.chain.head.number, 0n);
    const r = await rpc('prover_attestStep', ['0x1', await devnetGenesisOutputRoot()]);
    assert.equal(r.error?.code, -32000);
    assert.equal(r.error?.data?.reason, 'BLOCK_NOT_DERIVED');
    await prover.sync();
    assert.equal(prover.chain.head.number, 4n);
  });

  it('signs an attestation that viem and AttestationVerifier accept', async () => {
    assert.equal(getAddress(prover.signer), DEFAULT_PROVER);
    for (const n of [1n, 3n]) {
      const pre = chain.outputRoot(n - 1n);
      const r = await rpc('prover_attestStep', [n === 1n ? '1' : `0x${n.toString(16)}`, pre]);
      assert.equal(r.error, undefined);
      const att = r.result!;
      assert.equal(att.preOutputRoot, pre);
      assert.equal(att.postOutputRoot, chain.outputRoot(n));
      assert.equal(att.l2BlockNumber, `0x${n.toString(16)}`);
      assert.equal(getAddress(att.signer!), DEFAULT_PROVER);
      const batchIndex = 0n;
      const onChain = (await publicClient.readContract({ address: a.batchInbox, abi: batchInboxAbi(), functionName: 'getBatch', args: [batchIndex] })) as { dataHash: Hex };
      assert.equal(att.batchDataHash, onChain.dataHash);
      const message = { preOutputRoot: pre, batchDataHash: att.batchDataHash as Hex, l2BlockNumber: n, postOutputRoot: att.postOutputRoot as Hex };
      const td = stepAttestationTypedData(a.stepVerifier, a.l1ChainId, message);
      assert.equal(await verifyTypedData({ ...td, address: DEFAULT_PROVER, signature: att.signature as Hex }), true);
      assert.equal(await verifyTypedData({ ...td, address: proposer!.account!.address, signature: att.signature as Hex }), false);

      const verify = (post: Hex, proof: Hex) =>
        publicClient.readContract({
          address: a.stepVerifier,
          abi: attestationVerifierAbi(),
          functionName: 'verifyStep',
          args: [pre, message.batchDataHash, n, post, proof],
        }) as Promise<boolean>;
      assert.equal(await verify(message.postOutputRoot, att.proof as Hex), true);
      assert.equal(await verify(keccak256(message.postOutputRoot), att.proof as Hex), false);
    }
  });

  it('re-executes under rule D2: the rejected tx is dropped, the block still attests', async () => {
    const b4 = prover.chain.block(4n)!;
    assert.deepEqual(b4.txs, block4);
    assert.equal(b4.dropped.length, 1);
    assert.equal(b4.dropped[0]!.tx, block4[0]);
    const att = await prover.attest(4n, prover.chain.outputRoot(3n)!);
    assert.equal(att.postOutputRoot, prover.chain.outputRoot(4n));
    assert.notEqual(att.batchDataHash, prover.chain.batch(0n)!.dataHash);
    assert.equal(att.batchDataHash, prover.chain.batch(1n)!.dataHash);
  });

  it('refuses a pre output root that is not its own, and malformed params', async () => {
    const wrong = keccak256(chain.outputRoot(1n));
    const r = await rpc('prover_attestStep', ['0x2', wrong]);
    assert.equal(r.error?.code, -32000);
    assert.equal(r.error?.data?.reason, 'PRE_ROOT_MISMATCH');
    assert.match(r.error!.message, /not this prover's output root of L2 block 1/);
    // The pre-root of another block is also a mismatch.
    assert.equal((await rpc('prover_attestStep', ['2', chain.outputRoot(2n)])).error?.data?.reason, 'PRE_ROOT_MISMATCH');
    assert.equal((await rpc('prover_attestStep', ['0x9', chain.outputRoot(3n)])).error?.data?.reason, 'BLOCK_NOT_DERIVED');
    assert.equal((await rpc('prover_attestStep', ['0x0', chain.outputRoot(0n)])).error?.code, -32602);
    assert.equal((await rpc('prover_attestStep', ['two', chain.outputRoot(1n)])).error?.code, -32602);
    assert.equal((await rpc('prover_attestStep', ['0x2', '0x1234'])).error?.code, -32602);
    assert.equal((await rpc('prover_attestStep', ['0x2'])).error?.code, -32602);
    assert.equal((await rpc('prover_nope', [])).error?.code, -32601);
    const st = await rpc('prover_status', []);
    assert.deepEqual(st.result, { l2Head: '4', signer: proverAccount.address, stepVerifier: a.stepVerifier, l1ChainId: a.l1ChainId });
  });
});
