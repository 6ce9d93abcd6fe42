/** web3_clientVersion: "parallax/v0.1.0/<os>-<arch>/node<version>" (geth's Name/vX/os-arch/runtime). */
import { checkArity } from '../params.ts';
import type { RpcMethod } from '../types.ts';

export const web3_clientVersion: RpcMethod = (ctx, params) => {
  checkArity(params, 0);
  return ctx.config.clientVersion;
};
