/**
 * The dispute-game settings and fault switches of sequencer/config.ts (documented in .env.example).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../sequencer/config.ts';
import { DEFAULT_GAME_CLOCK_SECONDS, DEFAULT_TREASURY, REPO_ROOT } from '../../sequencer/l1/contracts.ts';

describe('loadConfig: dispute game and fault switches', () => {
  it('defaults: no fault armed, deployment defaults, prover URL from its port', () => {
    const c = loadConfig({});
    assert.equal(c.faultBadRootBatch, undefined);
    assert.equal(c.faultBadExecutionBlock, undefined);
    assert.equal(c.faultGarbageBatch, undefined);
    assert.equal(c.faultLazyDefender, false);
    assert.equal(c.finalizeOutputs, true);
    assert.equal(c.gameClockSeconds, DEFAULT_GAME_CLOCK_SECONDS);
    assert.equal(c.slashRewardPercent, 50n);
    assert.equal(c.treasury, DEFAULT_TREASURY);
    assert.equal(c.proverRpcUrl, 'http://127.0.0.1:9547');
    assert.equal(loadConfig({ PROVER_RPC_PORT: '19547' }).proverRpcUrl, 'http://127.0.0.1:19547');
  });

  it('reads the switches', () => {
    const c = loadConfig({
      FAULT_BAD_ROOT_BATCH: '0',
      FAULT_BAD_EXECUTION_BLOCK: '7',
      FAULT_GARBAGE_BATCH: '2',
      FAULT_LAZY_DEFENDER: '1',
      FINALIZE_OUTPUTS: '0',
      GAME_CLOCK_SECONDS: '30',
      PROVER_RPC_URL: 'http://prover:1',
    });
    assert.equal(c.faultBadRootBatch, 0n);
    assert.equal(c.faultBadExecutionBlock, 7n);
    assert.equal(c.faultGarbageBatch, 2n);
    assert.equal(c.faultLazyDefender, true);
    assert.equal(c.finalizeOutputs, false);
    assert.equal(c.gameClockSeconds, 30n);
    assert.equal(c.proverRpcUrl, 'http://prover:1');
  });

  it('rejects bad values naming the variable', () => {
    assert.throws(() => loadConfig({ FAULT_BAD_EXECUTION_BLOCK: 'x' }), /FAULT_BAD_EXECUTION_BLOCK/);
    assert.throws(() => loadConfig({ FAULT_LAZY_DEFENDER: 'yes' }), /FAULT_LAZY_DEFENDER/);
    assert.throws(() => loadConfig({ GAME_CLOCK_SECONDS: '0' }), /GAME_CLOCK_SECONDS/);
    assert.throws(() => loadConfig({ SLASH_REWARD_PERCENT: '101' }), /SLASH_REWARD_PERCENT/);
    assert.throws(() => loadConfig({ TREASURY_ADDRESS: '0x12' }), /TREASURY_ADDRESS/);
  });

  it('.env.example lists every variable the config reads', () => {
    const src = readFileSync(join(REPO_ROOT, 'sequencer/config.ts'), 'utf8');
    const vars = new Set([...src.matchAll(/'([A-Z][A-Z0-9_]+)'/g), ...src.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!).filter((v) => v !== 'BAD_CONFIG'));
    const example = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');
    const missing = [...vars].filter((v) => !new RegExp(`^# ${v}=`, 'm').test(example));
    assert.deepEqual(missing, []);
  });
});
