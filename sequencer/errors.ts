/**
 * Typed errors shared by every parallax module.
 *
 * Every error thrown on purpose by parallax code is a {@link ParallaxError} carrying a stable
 * string `code` (for logs and tests) and, where it reaches a JSON-RPC client, the numeric
 * JSON-RPC `rpcCode` geth would use for the same condition.
 */
export class ParallaxError extends Error {
  /** Stable machine-readable code, e.g. `NONCE_TOO_LOW`. */
  readonly code: string;
  /** JSON-RPC error code as geth returns it (-32000 for most tx validation errors). */
  readonly rpcCode: number;
  /** Optional JSON-RPC `data` (e.g. revert data as 0x-hex). */
  readonly data?: unknown;

  constructor(code: string, message: string, opts: { rpcCode?: number; data?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ParallaxError';
    this.code = code;
    this.rpcCode = opts.rpcCode ?? -32000;
    this.data = opts.data;
  }
}

/** A transaction the executor could not apply (invalid against the state it met). */
export class InvalidTransactionError extends ParallaxError {
  /** Index of the offending transaction within its block. */
  readonly txIndex: number;
  constructor(txIndex: number, message: string, cause?: unknown) {
    super('INVALID_TRANSACTION', `tx ${txIndex}: ${message}`, { cause });
    this.name = 'InvalidTransactionError';
    this.txIndex = txIndex;
  }
}

/**
 * A tx whose gas limit exceeds the gas left in its block (Yellow Paper eq. 58; geth
 * `ErrGasLimitReached`). The tx itself may be valid: a block builder should end the block before
 * it rather than drop it.
 */
export class BlockGasLimitReachedError extends InvalidTransactionError {
  constructor(txIndex: number, txGasLimit: bigint, gasLeft: bigint) {
    super(txIndex, `gas limit reached: tx gas limit ${txGasLimit}, block gas left ${gasLeft}`);
    this.name = 'BlockGasLimitReachedError';
  }
}
