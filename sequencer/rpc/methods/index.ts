/**
 * The JSON-RPC method table: one method per file in this folder.
 */
import type { RpcMethod } from '../types.ts';
import { eth_accounts } from './eth_accounts.ts';
import { eth_blockNumber } from './eth_blockNumber.ts';
import { eth_call } from './eth_call.ts';
import { eth_chainId } from './eth_chainId.ts';
import { eth_estimateGas } from './eth_estimateGas.ts';
import { eth_feeHistory } from './eth_feeHistory.ts';
import { eth_gasPrice } from './eth_gasPrice.ts';
import { eth_getBalance } from './eth_getBalance.ts';
import { eth_getBlockByHash } from './eth_getBlockByHash.ts';
import { eth_getBlockByNumber } from './eth_getBlockByNumber.ts';
import { eth_getBlockTransactionCountByHash } from './eth_getBlockTransactionCountByHash.ts';
import { eth_getBlockTransactionCountByNumber } from './eth_getBlockTransactionCountByNumber.ts';
import { eth_getCode } from './eth_getCode.ts';
import { eth_getLogs } from './eth_getLogs.ts';
import { eth_getStorageAt } from './eth_getStorageAt.ts';
import { eth_getTransactionByHash } from './eth_getTransactionByHash.ts';
import { eth_getTransactionCount } from './eth_getTransactionCount.ts';
import { eth_getTransactionReceipt } from './eth_getTransactionReceipt.ts';
import { eth_maxPriorityFeePerGas } from './eth_maxPriorityFeePerGas.ts';
import { eth_sendRawTransaction } from './eth_sendRawTransaction.ts';
import { eth_syncing } from './eth_syncing.ts';
import { net_version } from './net_version.ts';
import { parallax_getBlockExecution } from './parallax_getBlockExecution.ts';
import { web3_clientVersion } from './web3_clientVersion.ts';

/** Every method the server answers, by JSON-RPC name. */
export const METHODS: ReadonlyMap<string, RpcMethod> = new Map<string, RpcMethod>([
  ['eth_accounts', eth_accounts],
  ['eth_blockNumber', eth_blockNumber],
  ['eth_call', eth_call],
  ['eth_chainId', eth_chainId],
  ['eth_estimateGas', eth_estimateGas],
  ['eth_feeHistory', eth_feeHistory],
  ['eth_gasPrice', eth_gasPrice],
  ['eth_getBalance', eth_getBalance],
  ['eth_getBlockByHash', eth_getBlockByHash],
  ['eth_getBlockByNumber', eth_getBlockByNumber],
  ['eth_getBlockTransactionCountByHash', eth_getBlockTransactionCountByHash],
  ['eth_getBlockTransactionCountByNumber', eth_getBlockTransactionCountByNumber],
  ['eth_getCode', eth_getCode],
  ['eth_getLogs', eth_getLogs],
  ['eth_getStorageAt', eth_getStorageAt],
  ['eth_getTransactionByHash', eth_getTransactionByHash],
  ['eth_getTransactionCount', eth_getTransactionCount],
  ['eth_getTransactionReceipt', eth_getTransactionReceipt],
  ['eth_maxPriorityFeePerGas', eth_maxPriorityFeePerGas],
  ['eth_sendRawTransaction', eth_sendRawTransaction],
  ['eth_syncing', eth_syncing],
  ['net_version', net_version],
  ['parallax_getBlockExecution', parallax_getBlockExecution],
  ['web3_clientVersion', web3_clientVersion],
]);
