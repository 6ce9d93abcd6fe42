/**
 * The peer figure's node: a plain `hardhat node` (EDR) started on a free port, switched to
 * interval mining to mirror the L2's block time.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { waitForRpc } from '../lib/probe.ts';

/** A node this process started; `stop` ends it (SIGINT, then SIGKILL after 10 s). */
export interface StartedNode {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** True when nothing listens on 127.0.0.1:`port`. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * Starts `hardhat node --hostname 127.0.0.1 --port <port>` (the repository's Hardhat, same Node
 * binary), output to `logFile`, and waits until it answers `eth_chainId`.
 * @throws Error if the port is taken, or the node exits or does not answer within 60 s.
 */
export async function startHardhatNode(root: string, port: number, logFile: string): Promise<StartedNode> {
  if (!(await isPortFree(port))) throw new Error(`127.0.0.1:${port} is in use; pick another with --hardhat-port`);
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [join(root, 'node_modules/hardhat/dist/src/cli.js'), 'node', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: root,
    stdio: ['ignore', out, out],
    env: process.env,
  });
  let exited = false;
  const exit = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(timer);
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitForRpc(url, 60_000), exit.then(() => Promise.reject(new Error(`hardhat node exited early; see ${logFile}`)))]);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, pid: child.pid!, stop };
}

/**
 * Switches a Hardhat node from automine to one block every `intervalMs` (`evm_setAutomine false`,
 * `evm_setIntervalMining`) and sets its block gas limit (`evm_setBlockGasLimit`).
 */
export async function setIntervalMining(url: string, intervalMs: number, blockGasLimit: bigint): Promise<void> {
  const call = async (method: string, params: unknown[]) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    const j = (await res.json()) as { error?: { message: string } };
    if (j.error) throw new Error(`${method}: ${j.error.message}`);
  };
  await call('evm_setBlockGasLimit', [`0x${blockGasLimit.toString(16)}`]);
  await call('evm_setAutomine', [false]);
  await call('evm_setIntervalMining', [intervalMs]);
}
