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

/**
 * Conflict prediction from the previous block, so that a fully conflicting workload (swaps on one
 * pair, transfers into one account) does not pay a speculative round before being re-executed as
 * one group. A tx's *feature* is its `to` address + 4-byte selector (or `create`). After each block,
 * a feature is remembered as hot when it occurred at least twice and at least 80% of its txs ended
 * in one final group spanning several senders; in the next block all txs with a hot feature start
 * in one group. It is only a hint: validation still joins whatever really conflicts, and a wrong
 * prediction only costs parallelism.
 */
export class ConflictPredictor {
  private hot = new Set<string>();

  /** Joins (in `uf`) the txs sharing a hot feature; returns how many txs were pre-joined. */
  preJoin(features: string[], uf: UnionFind): number {
    if (this.hot.size === 0) return 0;
    const first = new Map<string, number>();
    let joined = 0;
    features.forEach((f, i) => {
      if (!this.hot.has(f)) return;
      const head = first.get(f);
      if (head === undefined) first.set(f, i);
      else {
        uf.union(head, i);
        joined++;
      }
    });
    return joined;
  }

  /** Learns the hot features from a block's final groups (`senders[i]`, `features[i]` of tx i). */
  learn(features: string[], senders: string[], groups: number[][]): void {
    const total = new Map<string, number>();
    for (const f of features) total.set(f, (total.get(f) ?? 0) + 1);
    const hot = new Set<string>();
    for (const g of groups) {
      if (g.length < 2 || new Set(g.map((i) => senders[i])).size < 2) continue;
      const inGroup = new Map<string, number>();
      for (const i of g) inGroup.set(features[i]!, (inGroup.get(features[i]!) ?? 0) + 1);
      for (const [f, n] of inGroup) if (f !== '' && n >= 2 && n * 5 >= total.get(f)! * 4) hot.add(f);
    }
    this.hot = hot;
  }
}
