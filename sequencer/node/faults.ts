/**
 * Fault drill `FAULT_BAD_EXECUTION_BLOCK=N` (docs/dispute-game.md): after block N executes, one
 * wrong write lands in its post-state (+1 wei on the block's fee recipient), and the wrong state
 * root is sealed into block N. The batch data stays right (same txs and timestamps), so anyone
 * deriving from L1 computes a different root from block N on; later blocks build on the wrong
 * state. One-shot: fires for the first block numbered N this process builds. Never set in
 * production.
 */
import { Address } from '@ethereumjs/util';
import { bytesToHex, hexToBytes, type Hex } from 'viem';
import type { BlockResult } from '../executor/types.ts';
import type { Logger } from '../log.ts';
import type { StateDb } from '../state/state-db.ts';

/**
 * A `BlockBuilder` `tamper` hook applying the wrong write to block `block`.
 * @param account the account credited 1 wei (the rollup's fee recipient).
 */
export function badExecutionTamper(
  stateDb: StateDb,
  block: bigint,
  account: Hex,
  logger: Logger,
): (number: bigint, result: BlockResult) => Promise<BlockResult> {
  let fired = false;
  return async (number, result) => {
    if (fired || number !== block) return result;
    fired = true;
    const sm = await stateDb.stateManager(result.stateRoot);
    const addr = new Address(hexToBytes(account));
    const acct = await sm.getAccount(addr);
    const before = acct?.balance ?? 0n;
    await sm.modifyAccountFields(addr, { balance: before + 1n });
    const stateRoot = bytesToHex(await sm.getStateRoot());
    stateDb.flush();
    logger.error(
      { block: Number(number), account, rightStateRoot: result.stateRoot, wrongStateRoot: stateRoot },
      'FAULT DRILL: block executed with a wrong write (+1 wei); sealing the WRONG state root on purpose',
    );
    return { ...result, stateRoot };
  };
}
