/**
 * Revert errors of eth_call / eth_estimateGas, as geth builds them (internal/ethapi
 * `newRevertError`, accounts/abi `UnpackRevert`): code 3, message "execution reverted" plus
 * ": <reason>" when the data is a Solidity `Error(string)` or `Panic(uint256)`, and `data` = the
 * revert data (0x-hex).
 */
import { decodeAbiParameters, type Hex } from 'viem';
import { ParallaxError } from '../errors.ts';
import { RpcCode } from './errors.ts';

const ERROR_SELECTOR = '0x08c379a0'; // Error(string)
const PANIC_SELECTOR = '0x4e487b71'; // Panic(uint256)

/** Solidity panic codes, with geth's wording (accounts/abi/abi.go panicReasons). */
const PANIC_REASONS: Record<string, string> = {
  '0': 'generic panic',
  '1': 'assert(false)',
  '17': 'arithmetic underflow or overflow',
  '18': 'division or modulo by zero',
  '33': 'enum overflow',
  '34': 'invalid encoded storage byte array accessed',
  '49': 'out-of-bounds array access; popping on an empty array',
  '50': 'out-of-bounds access of an array or bytesN',
  '65': 'out of memory',
  '81': 'uninitialized function',
};

/** The human-readable reason in revert data, or undefined if it is not Error(string)/Panic(uint256). */
export function decodeRevertReason(data: Hex): string | undefined {
  const selector = data.slice(0, 10).toLowerCase();
  try {
    if (selector === ERROR_SELECTOR) {
      return decodeAbiParameters([{ type: 'string' }], `0x${data.slice(10)}`)[0];
    }
    if (selector === PANIC_SELECTOR) {
      const [code] = decodeAbiParameters([{ type: 'uint256' }], `0x${data.slice(10)}`);
      return PANIC_REASONS[code.toString()] ?? `unknown panic code: 0x${code.toString(16)}`;
    }
  } catch {
    // malformed ABI data: no reason
  }
  return undefined;
}

/** The JSON-RPC error for a reverted call with revert data `data`. */
export function revertError(data: Hex): ParallaxError {
  const reason = decodeRevertReason(data);
  return new ParallaxError('EXECUTION_REVERTED', reason === undefined ? 'execution reverted' : `execution reverted: ${reason}`, {
    rpcCode: RpcCode.EXECUTION_REVERTED,
    data,
  });
}
