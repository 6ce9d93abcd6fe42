/**
 * Conflict detection for the parallel executor (pure functions, no EVM).
 *
 * Two txs conflict when one writes a key the other reads or writes (keys: see access.ts).
 * Conflict-free groups are the connected components of the conflict graph; txs of one sender
 * always share a group (nonce order). A tx that touches the coinbase explicitly is joined with
 * every earlier tx of the block, because it must see all earlier fee payments.
 */
import type { GroupResult } from './protocol.ts';

/** Union-find over tx indices 0..n-1 (path halving, union by smaller root for determinism). */
export class UnionFind {
  private readonly parent: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) {
      p[i] = p[p[i]!]!;
      i = p[i]!;
    }
    return i;
  }

  /** Joins the sets of a and b; returns true if they were separate. */
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
    return true;
  }

  /** The sets, each sorted ascending, ordered by their smallest member. */
  groups(): number[][] {
    const byRoot = new Map<number, number[]>();
    for (let i = 0; i < this.parent.length; i++) {
      const r = this.find(i);
      let g = byRoot.get(r);
      if (g === undefined) byRoot.set(r, (g = []));
      g.push(i);
    }
    return [...byRoot.values()].sort((a, b) => a[0]! - b[0]!);
  }
}

/** Initial grouping: txs of the same sender together. `senders[i]` is tx i's sender. */
export function groupBySender(senders: string[], uf: UnionFind): void {
  const last = new Map<string, number>();
  senders.forEach((s, i) => {
    const prev = last.get(s);
    if (prev !== undefined) uf.union(prev, i);
    last.set(s, i);
  });
}

/**
 * Validates executed groups against each other and joins (in `uf`) the txs of any two groups
 * whose real access sets conflict, plus the coinbase ordering rule. `group` is the list of block
 * indices each result was executed for (a failed group executed a prefix only).
 * @param conflictKeys receives, per key that caused a join, how many joins it caused.
 * @returns true if anything was joined (another round is needed).
 */
export function joinConflicts(
  executed: Array<{ group: number[]; result: GroupResult }>,
  uf: UnionFind,
  conflictKeys: Map<string, number> = new Map(),
): boolean {
  const writer = new Map<string, number>(); // key -> first tx index of the writing group
  const wildcard = new Map<string, number>(); // address -> group that reset it
  let joined = false;
  const join = (a: number, b: number, key: string): void => {
    if (uf.union(a, b)) {
      joined = true;
      conflictKeys.set(key, (conflictKeys.get(key) ?? 0) + 1);
    }
  };
  for (const { group, result } of executed) {
    const me = group[0]!;
    for (const key of result.writes) {
      if (key.endsWith('*')) {
        const addr = key.slice(0, 40);
        const other = wildcard.get(addr);
        if (other !== undefined && uf.find(other) !== uf.find(me)) join(other, me, key);
        else wildcard.set(addr, me);
        continue;
      }
      const other = writer.get(key);
      if (other !== undefined && uf.find(other) !== uf.find(me)) join(other, me, key);
      else writer.set(key, me);
    }
  }
  const touch = (key: string, me: number) => {
    const other = writer.get(key);
    if (other !== undefined && uf.find(other) !== uf.find(me)) join(other, me, key);
    const wild = wildcard.get(key.slice(0, 40));
    if (wild !== undefined && uf.find(wild) !== uf.find(me)) join(wild, me, `${key.slice(0, 40)}*`);
  };
  for (const { group, result } of executed) {
    const me = group[0]!;
    for (const key of result.reads) touch(key, me);
    for (const key of result.writes) if (!key.endsWith('*')) touch(key, me);
  }
  for (const { result } of executed) {
    for (const t of result.explicitCoinbase) for (let j = 0; j < t; j++) join(j, t, 'coinbase');
  }
  return joined;
}
