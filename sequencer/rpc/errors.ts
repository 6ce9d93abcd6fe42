/**
 * JSON-RPC errors as go-ethereum's rpc package and eth API return them.
 */
import { ParallaxError } from '../errors.ts';

/** JSON-RPC 2.0 codes geth uses. */
export const RpcCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL: -32603,
  /** geth's default for errors returned by API methods. */
  SERVER: -32000,
  /** eth_call / eth_estimateGas revert with revert data. */
  EXECUTION_REVERTED: 3,
} as const;

export const parseError = () => new ParallaxError('RPC_PARSE_ERROR', 'parse error', { rpcCode: RpcCode.PARSE_ERROR });
export const invalidRequest = (message = 'invalid request') =>
  new ParallaxError('RPC_INVALID_REQUEST', message, { rpcCode: RpcCode.INVALID_REQUEST });
export const methodNotFound = (method: string) =>
  new ParallaxError('RPC_METHOD_NOT_FOUND', `the method ${method} does not exist/is not available`, { rpcCode: RpcCode.METHOD_NOT_FOUND });
/** -32602, e.g. "invalid argument 0: hex string without 0x prefix". */
export const invalidParams = (message: string) => new ParallaxError('RPC_INVALID_PARAMS', message, { rpcCode: RpcCode.INVALID_PARAMS });
/** -32000 with a plain message (geth's errors returned by API methods). */
export const serverError = (code: string, message: string) => new ParallaxError(code, message, { rpcCode: RpcCode.SERVER });
export const internalError = (message: string) => new ParallaxError('RPC_INTERNAL', message, { rpcCode: RpcCode.INTERNAL });

/** State or call on a block the node does not have (geth: "header not found"). */
export const headerNotFound = () => serverError('HEADER_NOT_FOUND', 'header not found');
/** Block hash the node does not know (geth: "header for hash not found"). */
export const headerForHashNotFound = () => serverError('HEADER_NOT_FOUND', 'header for hash not found');
