/**
 * Sending one L1 contract call for the proposer/defender and waiting for its receipt, with the
 * custom-error name of a revert decoded for logs and retries.
 */
import {
  BaseError,
  ContractFunctionRevertedError,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
} from 'viem';
import { ParallaxError } from '../errors.ts';

/** One landed L1 transaction. */
export interface SentTx {
  hash: Hex;
  receipt: TransactionReceipt;
  /** Gas used (from the receipt). */
  gasUsed: bigint;
  l1Block: bigint;
}

/**
 * Calls `functionName(args)` on `address` from the wallet's account (viem simulates it first, so
 * a revert throws before anything is sent) and waits for the receipt.
 * @param value wei sent with the call.
 * @throws ParallaxError `L1_TX_REVERTED` when the mined tx reverted; viem errors (with the
 *   decoded custom error, see {@link revertName}) when the simulation reverts or the RPC fails.
 */
export async function sendCall(
  publicClient: PublicClient,
  walletClient: WalletClient,
  address: Address,
  abi: Abi,
  functionName: string,
  args: readonly unknown[],
  value?: bigint,
): Promise<SentTx> {
  const hash = await walletClient.writeContract({
    address,
    abi,
    functionName,
    args,
    value,
    account: walletClient.account!,
    chain: walletClient.chain ?? null,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new ParallaxError('L1_TX_REVERTED', `${functionName} reverted (L1 tx ${hash})`);
  return { hash, receipt, gasUsed: receipt.gasUsed, l1Block: receipt.blockNumber };
}

/** Name of the custom error a contract call reverted with, if viem decoded one. */
export function revertName(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const r = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return r instanceof ContractFunctionRevertedError ? r.data?.errorName : undefined;
}
