/**
 * The fraud-proof drills end to end, as a user runs them: `node scripts/drill.ts all --json FILE`
 * (its own Hardhat L1, a fresh devnet per scenario on non-default ports, temp data folders). Each
 * scenario's report must say PASS and carry the outcome the issue asks for; the checks below
 * re-read the JSON reports, so a drill that passes its own checks with the wrong outcome still
 * fails here.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../sequencer/l1/contracts.ts';
import { removeDir, tempDir } from '../helpers/node.ts';

interface JsonReport {
  scenario: string;
  passed: boolean;
  error?: string;
  checks: Array<{ name: string; ok: boolean; detail?: string }>;
  timeline: Array<{ actor: string; fn: string; status: string; gasUsed: string; action: string }>;
  gas: { disputeGas: string; totalGas: string };
  final?: {
    finalizedCount: string;
    nextBatchIndex: string;
    deleted: Array<{ from: string; to: string }>;
    games: Array<{ gameId: string; batchIndex: string; status: string; lo: string; hi: string }>;
    rootsAgree?: boolean;
  };
}

const work = tempDir('px-drills-test-');
const jsonFile = join(work, 'reports.json');
let output = '';
let exitCode: number | null = null;
let reports: JsonReport[] = [];

before(
  async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts/drill.ts'), 'all', '--json', jsonFile, '--port-base', '38545'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PX_CWD: work },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    if (existsSync(jsonFile)) reports = JSON.parse(readFileSync(jsonFile, 'utf8')) as JsonReport[];
  },
  { timeout: 590_000 },
);
after(() => removeDir(work));

function report(name: string): JsonReport {
  const r = reports.find((x) => x.scenario === name);
  assert.ok(r, `no report for ${name}\n${output.slice(-4000)}`);
  const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name} [${c.detail ?? ''}]`);
  assert.equal(r.passed, true, `${name}: ${r.error ?? ''} ${failed.join('; ')}`);
  return r;
}

const moves = (r: JsonReport, actor: string, fn: string) => r.timeline.filter((t) => t.actor === actor && t.fn === fn && t.status === 'success');

describe('npm run drill -- all', () => {
  it('exits 0 and reports every scenario', () => {
    assert.equal(exitCode, 0, output.slice(-6000));
    assert.deepEqual(
      reports.map((r) => r.scenario),
      ['bad-root', 'bad-execution', 'false-challenge', 'late-challenge', 'lazy-defender', 'garbage-batch'],
    );
    assert.match(output, /drills: 6\/6 passed/);
  });

  it('bad-root: challenger wins by step, outputs deleted, corrected output finalized', () => {
    const r = report('bad-root');
    assert.ok(r.final!.games.some((g) => g.batchIndex === '1' && g.status === 'ChallengerWins'));
    assert.ok(r.final!.deleted.some((d) => d.from === '1'));
    assert.equal(moves(r, 'challenger', 'step').length, 1);
    assert.ok(moves(r, 'proposer', 'reveal').length >= 1, 'the defender revealed');
    assert.equal(r.final!.finalizedCount, r.final!.nextBatchIndex);
    assert.equal(r.final!.rootsAgree, true);
    assert.ok(BigInt(r.gas.disputeGas) > 0n);
  });

  it('bad-execution: the bisection ends at the tampered block', () => {
    const r = report('bad-execution');
    const won = r.final!.games.find((g) => g.status === 'ChallengerWins');
    assert.ok(won);
    assert.equal(won.hi, '4');
    assert.equal(won.lo, '3');
    assert.equal(r.final!.rootsAgree, true);
  });

  it('false-challenge: the defender steps and wins, nothing deleted', () => {
    const r = report('false-challenge');
    assert.ok(r.final!.games.every((g) => g.status === 'DefenderWins'));
    assert.equal(moves(r, 'proposer', 'step').length, 1);
    assert.ok(moves(r, 'proposer', 'withdraw').length >= 1);
    assert.deepEqual(r.final!.deleted, []);
  });

  it('late-challenge: rejected with ChallengeWindowClosed, no game', () => {
    const r = report('late-challenge');
    const late = r.timeline.filter((t) => t.fn === 'challenge');
    assert.equal(late.length, 1);
    assert.equal(late[0]!.status, 'reverted');
    assert.match(late[0]!.action, /ChallengeWindowClosed/);
    assert.deepEqual(r.final!.games, []);
    assert.equal(r.final!.finalizedCount, r.final!.nextBatchIndex);
  });

  it('lazy-defender: no reveal, the challenger wins by timeout', () => {
    const r = report('lazy-defender');
    assert.equal(moves(r, 'proposer', 'reveal').length, 0);
    assert.equal(moves(r, 'challenger', 'timeout').length, 1);
    assert.ok(r.final!.games.some((g) => g.status === 'ChallengerWins'));
  });

  it('garbage-batch: D1 on both sides, no game, every output agreed and finalized', () => {
    const r = report('garbage-batch');
    assert.deepEqual(r.final!.games, []);
    assert.deepEqual(r.final!.deleted, []);
    assert.equal(r.final!.rootsAgree, true);
    assert.equal(r.final!.finalizedCount, r.final!.nextBatchIndex);
  });
});
