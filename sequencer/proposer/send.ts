/**
 * Sending one L1 contract call for the proposer/defender and waiting for its receipt, with the
 * custom-error name of a revert decoded for logs and retries.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  encodeFunctionData,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
} from 'viem';
import { ParallaxError } from '../errors.ts';
import { sendWithFeeBump, type FeeBumpLogger } from '../l1/send.ts';

/** One landed L1 transaction. */
export interface SentTx {
  hash: Hex;
  receipt: TransactionReceipt;
  /** Gas used (from the receipt). */
  gasUsed: bigint;
  l1Block: bigint;
}

/** Options of {@link sendCall}'s L1 send (see `sendWithFeeBump`). */
export interface SendCallOptions {
  /** Wait for the receipt before resending with bumped fees, ms (default 30,000). */
  stuckAfterMs?: number;
  /** Fee bump per replacement, percent (default 12.5). */
  bumpPercent?: number;
  /** Most sends, the first included (default 5). */
  maxAttempts?: number;
  /** Gets the fee-bump reports. */
  logger?: FeeBumpLogger;
}

/**
 * Calls `functionName(args)` on `address` from the wallet's account (gas is estimated first, so
 * a revert throws before anything is sent) and waits for the receipt, resending the same nonce
 * with EIP-1559 fees bumped by 12.5% whenever it is not mined within `opts.stuckAfterMs`
 * (see `sendWithFeeBump` in `sequencer/l1/send.ts`).
 * @param value wei sent with the call.
 * @returns the landed hash (of the replacement that was mined, if any), its receipt, gas used and
 *   L1 block number.
 * @throws ParallaxError `L1_TX_REVERTED` when the mined tx reverted; `L1_TX_STUCK` when nothing
 *   was mined after `maxAttempts` sends; viem errors (with the decoded custom error, see
 *   {@link revertName}) when the gas estimation reverts or the RPC fails.
 */
export async function sendCall(
  publicClient: PublicClient,
  walletClient: WalletClient,
  address: Address,
  abi: Abi,
  functionName: string,
  args: readonly unknown[],
  value?: bigint,
  opts: SendCallOptions = {},
): Promise<SentTx> {
  const account = walletClient.account!;
  const gas = await publicClient.estimateContractGas({ address, abi, functionName, args, value, account } as Parameters<PublicClient['estimateContractGas']>[0]);
  const data = encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]);
  let receipt: TransactionReceipt;
  try {
    ({ receipt } = await sendWithFeeBump({ walletClient, publicClient, request: { to: address, data, value, gas }, ...opts }));
  } catch (err) {
    if (err instanceof ParallaxError && err.code === 'L1_TX_REVERTED') {
      const hash = (err.data as { receipt: TransactionReceipt }).receipt.transactionHash;
      throw new ParallaxError('L1_TX_REVERTED', `${functionName} reverted (L1 tx ${hash})`, { data: err.data });
    }
    throw err;
  }
  const hash = receipt.transactionHash;
  return { hash, receipt, gasUsed: receipt.gasUsed, l1Block: receipt.blockNumber };
}

/** Name of the custom error a contract call reverted with, if viem decoded one. */
export function revertName(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const r = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return r instanceof ContractFunctionRevertedError ? r.data?.errorName : undefined;
}
