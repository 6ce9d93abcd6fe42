/** challenger/status.ts: the JSON-RPC envelope of parallax_challengerStatus. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChallengerStatus } from '../../challenger/challenger.ts';
import { startStatusServer, type StatusServer } from '../../challenger/status.ts';

const status: ChallengerStatus = {
  l2Head: '3',
  verdicts: [{ batchIndex: 0, firstBlock: '1', lastBlock: '3', verdict: 'pending', postedOutputRoot: null, computedOutputRoot: '0x12', valid: true }],
  games: [
    {
      gameId: 0,
      batchIndex: 0,
      status: 'InProgress',
      lo: '0',
      hi: '3',
      loRoot: '0x01',
      hiRoot: '0x02',
      turn: 'Challenger',
      falseChallenge: false,
      settled: false,
      moves: [{ move: 'challenge', l1TxHash: '0xab', l1Block: '7', gasUsed: '90000', at: '2025-01-01T00:00:00.000Z', batchIndex: '0' }],
    },
  ],
};

describe('challenger status server', () => {
  let server: StatusServer;
  before(async () => {
    server = await startStatusServer({ port: 0, getStatus: () => status });
  });
  after(async () => {
    await server.close();
  });
  const post = async (body: string) => (await fetch(server.url, { method: 'POST', body })).json() as Promise<unknown>;

  it('answers parallax_challengerStatus, singly and in a batch', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(await post('{"jsonrpc":"2.0","id":"a","method":"parallax_challengerStatus","params":[]}'), { jsonrpc: '2.0', id: 'a', result: status });
    assert.deepEqual(await post('[{"jsonrpc":"2.0","id":1,"method":"parallax_challengerStatus"},{"jsonrpc":"2.0","id":2,"method":"x"}]'), [
      { jsonrpc: '2.0', id: 1, result: status },
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'the method x does not exist/is not available' } },
    ]);
  });

  it('returns geth-style errors', async () => {
    assert.deepEqual(await post('{nope'), { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
    assert.deepEqual(await post('{"id":3,"method":"parallax_challengerStatus"}'), { jsonrpc: '2.0', id: 3, error: { code: -32600, message: 'invalid request' } });
    assert.equal((await fetch(server.url)).status, 405);
  });
});
