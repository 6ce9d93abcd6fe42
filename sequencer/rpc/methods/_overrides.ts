/** Shared check for eth_call / eth_estimateGas: state and block overrides are not supported. */
import { invalidParams } from '../errors.ts';

/** @throws -32602 "invalid argument i: state overrides are not supported" for a non-empty override object. */
export function rejectOverrides(params: unknown[], from: number): void {
  for (let i = from; i < params.length; i++) {
    const v = params[i];
    if (v === undefined || v === null) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    throw invalidParams(`invalid argument ${i}: ${i === from ? 'state' : 'block'} overrides are not supported`);
  }
}
