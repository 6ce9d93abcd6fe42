/**
 * eth_feeHistory(blockCount, newestBlock, rewardPercentiles?) from stored blocks and receipts,
 * as geth's oracle computes it: `baseFeePerGas` has blockCount + 1 entries (the last is the
 * base fee of the block after `newestBlock`), `gasUsedRatio` = gasUsed / gasLimit, and
 * `reward[i][j]` is the effective tip of the tx at the j-th gas-weighted percentile of block i
 * (txs sorted by tip; 0 for empty blocks). At most `maxFeeHistory` blocks (geth: 1024).
 */
import type { RpcBackend, StoredBlock } from '../backend.ts';
import { headerNotFound, invalidParams, serverError } from '../errors.ts';
import { hexQ } from '../formatters.ts';
import { arg, checkArity, parseBlockNumber, parseHexOrDecimal64, parsePercentiles } from '../params.ts';
import type { RpcMethod } from '../types.ts';

/** Go's %f. */
const f6 = (x: number) => x.toFixed(6);

export const eth_feeHistory: RpcMethod = ({ backend, config }, params) => {
  const p = checkArity(params, 3, 2);
  let count = arg(p, 0, parseHexOrDecimal64);
  const ref = arg(p, 1, (v) => parseBlockNumber(v));
  const percentiles = arg(p, 2, parsePercentiles);
  if (percentiles !== undefined) {
    percentiles.forEach((pc, i) => {
      if (pc < 0 || pc > 100) throw invalidParams(`invalid reward percentile: ${f6(pc)}`);
      if (i > 0 && pc <= percentiles[i - 1]!) {
        throw invalidParams(`invalid reward percentile: #${i - 1}:${f6(percentiles[i - 1]!)} >= #${i}:${f6(pc)}`);
      }
    });
  }
  if (count === 0n) return { oldestBlock: '0x0', baseFeePerGas: [], gasUsedRatio: [] };
  if (count > BigInt(config.maxFeeHistory)) count = BigInt(config.maxFeeHistory);
  const head = backend.headNumber();
  const newest = 'number' in ref ? ref.number : 'tag' in ref && ref.tag === 'earliest' ? 0n : head;
  if (newest > head) throw serverError('REQUEST_BEYOND_HEAD', `request beyond head block: requested ${newest}, head ${head}`);
  const oldest = newest + 1n >= count ? newest + 1n - count : 0n;

  const baseFees: string[] = [];
  const ratios: number[] = [];
  const rewards: string[][] = [];
  for (let n = oldest; n <= newest; n++) {
    const block = backend.getBlockByNumber(n);
    if (block === undefined) throw headerNotFound();
    baseFees.push(hexQ(block.baseFeePerGas));
    ratios.push(block.gasLimit === 0n ? 0 : Number(block.gasUsed) / Number(block.gasLimit));
    if (percentiles !== undefined) rewards.push(blockRewards(backend, block, percentiles).map(hexQ));
  }
  const next = newest === head ? backend.nextBaseFee() : backend.getBlockByNumber(newest + 1n)?.baseFeePerGas;
  if (next === undefined) throw headerNotFound();
  baseFees.push(hexQ(next));
  const out: Record<string, unknown> = { oldestBlock: hexQ(oldest), baseFeePerGas: baseFees, gasUsedRatio: ratios };
  if (percentiles !== undefined) out.reward = rewards;
  return out;
};

/** geth's processBlock reward loop: gas-weighted percentiles of effective tips (wei per gas). */
function blockRewards(backend: RpcBackend, block: StoredBlock, percentiles: number[]): bigint[] {
  const txs = block.txHashes
    .map((h) => backend.getReceipt(h))
    .filter((r) => r !== undefined)
    .map((r) => ({ gasUsed: r.gasUsed, reward: r.effectiveGasPrice - block.baseFeePerGas }))
    .sort((a, b) => (a.reward < b.reward ? -1 : a.reward > b.reward ? 1 : 0));
  if (txs.length === 0) return percentiles.map(() => 0n);
  let i = 0;
  let sumGasUsed = txs[0]!.gasUsed;
  return percentiles.map((pc) => {
    const threshold = BigInt(Math.floor((Number(block.gasUsed) * pc) / 100));
    while (sumGasUsed < threshold && i < txs.length - 1) {
      i++;
      sumGasUsed += txs[i]!.gasUsed;
    }
    return txs[i]!.reward;
  });
}
