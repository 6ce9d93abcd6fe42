/**
 * What happened on L1 during a drill, from L1 alone: every transaction from the rollup's
 * deployment block on (sender, decoded call, status, gas used, decoded rollup events), then
 * summaries: gas per move, gas of the dispute in total, and the bonds that moved (from the
 * oracle's events).
 */
import { decodeFunctionData, formatEther, type Abi, type Address, type Hex } from 'viem';
import { batchInboxAbi, disputeGameManagerAbi, outputOracleAbi } from '../../sequencer/l1/contracts.ts';
import { GAME_STATUS_NAMES, type L1View, type RollupEvent } from './l1.ts';

/** One L1 transaction of the timeline. */
export interface TimelineRow {
  l1Block: bigint;
  /** L1 block timestamp, unix seconds (includes the drill's time jumps). */
  time: bigint;
  actor: string;
  /** Called function (`deploy` for a contract creation, `transfer` for plain value). */
  fn: string;
  /** Human-readable: the call and what its events say. */
  action: string;
  txHash: Hex;
  gasUsed: bigint;
  status: 'success' | 'reverted';
  events: RollupEvent[];
}

/** A time jump the drill made (shown in the timeline). */
export interface TimeJump {
  /** First L1 block after the jump. */
  l1Block: bigint;
  seconds: bigint;
  why: string;
}

/** Calls that belong to the dispute (the rest is the rollup's normal work). */
export const DISPUTE_FNS = new Set(['challenge', 'reveal', 'respond', 'step', 'timeout', 'withdraw']);

const short = (h: unknown) => (typeof h === 'string' && h.length > 14 ? `${h.slice(0, 10)}…` : String(h));
const eth = (wei: unknown) => `${formatEther(wei as bigint)} ETH`;

/** One event in a few words. */
export function describeEvent(e: RollupEvent): string {
  const a = e.args;
  switch (e.name) {
    case 'BatchAppended':
      return `batch #${a.batchIndex} = L2 ${a.firstBlock}..${a.lastBlock}`;
    case 'OutputProposed':
      return `output #${a.batchIndex} @L2 ${a.l2BlockNumber} root ${short(a.outputRoot)}`;
    case 'OutputChallenged':
      return `output #${a.batchIndex} challenged (bond ${eth(a.bond)}, game ${a.gameId})`;
    case 'GameCreated':
      return `game ${a.gameId} on #${a.batchIndex}: L2 ${a.lo}..${a.hi}`;
    case 'MidpointRevealed':
      return `game ${a.gameId} mid L2 ${a.mid} root ${short(a.midRoot)}`;
    case 'Responded':
      return `game ${a.gameId} ${a.agree ? 'agree' : 'disagree'} -> L2 ${a.lo}..${a.hi}`;
    case 'StepVerified':
      return `game ${a.gameId} step proven, post root ${short(a.postRoot)}`;
    case 'GameResolved':
      return `game ${a.gameId} ${GAME_STATUS_NAMES[Number(a.status)] ?? a.status}`;
    case 'OutputsDeleted':
      return `outputs #${a.fromBatchIndex}..#${a.toBatchIndex} DELETED`;
    case 'ProposerSlashed':
      return `proposer slashed ${eth(a.amount)} (${eth(a.toChallenger)} to challenger, ${eth(a.toTreasury)} to treasury)`;
    case 'ChallengeRejected':
      return `challenge of #${a.batchIndex} rejected (challenger bond to proposer)`;
    case 'Withdrawn':
      return `withdrew ${eth(a.amount)}`;
    case 'BondDeposited':
      return `bond +${eth(a.amount)} (balance ${eth(a.balance)})`;
    case 'OutputFinalized':
      return `output #${a.batchIndex} FINALIZED @L2 ${a.l2BlockNumber}`;
    case 'Initialized':
      return `oracle -> manager ${short(a.disputeGameManager)}`;
    default:
      return e.name;
  }
}

/**
 * Every L1 tx from the deployment block to the latest block, in order.
 * @param actors lower-case address -> name (unknown senders show as a short address).
 * @param notes tx hash -> extra text (e.g. the custom error of a rejected call).
 */
export async function collectTimeline(view: L1View, actors: Map<string, string>, notes: Map<Hex, string> = new Map()): Promise<TimelineRow[]> {
  const events = await view.events();
  const byTx = new Map<Hex, RollupEvent[]>();
  for (const e of events) byTx.set(e.txHash, [...(byTx.get(e.txHash) ?? []), e]);
  const abis = new Map<string, Abi>([
    [view.a.batchInbox.toLowerCase(), batchInboxAbi()],
    [view.a.outputOracle.toLowerCase(), outputOracleAbi()],
    [view.a.disputeGameManager.toLowerCase(), disputeGameManagerAbi()],
  ]);
  const latest = await view.client.getBlockNumber({ cacheTime: 0 });
  const rows: TimelineRow[] = [];
  for (let b = view.a.deployedAtBlock; b <= latest; b++) {
    const block = await view.client.getBlock({ blockNumber: b, includeTransactions: true });
    for (const tx of block.transactions) {
      const receipt = await view.client.getTransactionReceipt({ hash: tx.hash });
      let fn = tx.to == null ? 'deploy' : tx.input === '0x' ? 'transfer' : 'call';
      let args: readonly unknown[] = [];
      const abi = tx.to == null ? undefined : abis.get(tx.to.toLowerCase());
      if (abi !== undefined) {
        try {
          const d = decodeFunctionData({ abi, data: tx.input });
          fn = d.functionName;
          args = d.args ?? [];
        } catch {
          // not one of ours
        }
      }
      const evs = byTx.get(tx.hash) ?? [];
      const call = args.length > 0 && fn !== 'appendBatch' ? `${fn}(${args.map((x) => short(typeof x === 'bigint' ? x.toString() : x)).join(', ')})` : fn;
      const parts = [call, ...evs.map(describeEvent)];
      const note = notes.get(tx.hash);
      if (receipt.status !== 'success') parts.push(`REVERTED${note ? ` ${note}` : ''}`);
      else if (note) parts.push(note);
      rows.push({
        l1Block: b,
        time: block.timestamp,
        actor: actors.get(tx.from.toLowerCase()) ?? short(tx.from),
        fn,
        action: parts.join(' | '),
        txHash: tx.hash,
        gasUsed: receipt.gasUsed,
        status: receipt.status,
        events: evs,
      });
    }
  }
  return rows;
}

/** Gas of one kind of move. */
export interface MoveGas {
  actor: string;
  move: string;
  count: number;
  /** Gas used, summed over the txs. */
  gas: bigint;
}

/** Gas summaries of a timeline. */
export interface GasSummary {
  perMove: MoveGas[];
  /** The dispute's txs (challenge, reveals, responds, step/timeout, withdrawals). */
  disputeGas: bigint;
  disputeTxs: number;
  /** Every L1 tx of the timeline. */
  totalGas: bigint;
  totalTxs: number;
}

export function gasSummary(rows: TimelineRow[]): GasSummary {
  const per = new Map<string, MoveGas>();
  let disputeGas = 0n;
  let disputeTxs = 0;
  let totalGas = 0n;
  for (const r of rows) {
    const key = `${r.actor}\u0000${r.fn}`;
    const m = per.get(key) ?? { actor: r.actor, move: r.fn, count: 0, gas: 0n };
    m.count++;
    m.gas += r.gasUsed;
    per.set(key, m);
    totalGas += r.gasUsed;
    if (DISPUTE_FNS.has(r.fn)) {
      disputeGas += r.gasUsed;
      disputeTxs++;
    }
  }
  return { perMove: [...per.values()], disputeGas, disputeTxs, totalGas, totalTxs: rows.length };
}

/** One movement of bonds/credits, from the oracle's events. */
export interface BondMove {
  l1Block: bigint;
  what: string;
  /** Wei. */
  amount: bigint;
}

/**
 * Bond and credit movements: deposits, challenger bonds posted, slashes (split), rejected
 * challenges (bond to the proposer), refunds implied by a challenger win, withdrawals.
 * @param challengerBond wei, for the events that do not carry the amount.
 * @param names lower-case address -> actor name.
 */
export function bondMoves(rows: TimelineRow[], challengerBond: bigint, names: Map<string, string>): BondMove[] {
  const out: BondMove[] = [];
  const who = (a: unknown) => names.get(String(a).toLowerCase()) ?? short(a);
  for (const r of rows) {
    for (const e of r.events) {
      const a = e.args;
      switch (e.name) {
        case 'BondDeposited':
          out.push({ l1Block: r.l1Block, what: 'proposer deposits bond', amount: a.amount as bigint });
          break;
        case 'OutputChallenged':
          out.push({ l1Block: r.l1Block, what: `${who(a.challenger)} posts challenger bond on #${a.batchIndex}`, amount: a.bond as bigint });
          break;
        case 'ProposerSlashed':
          out.push({ l1Block: r.l1Block, what: 'proposer bond slashed', amount: a.amount as bigint });
          out.push({ l1Block: r.l1Block, what: '  of which credited to the challenger', amount: a.toChallenger as bigint });
          out.push({ l1Block: r.l1Block, what: '  of which credited to the treasury', amount: a.toTreasury as bigint });
          out.push({ l1Block: r.l1Block, what: 'challenger bond refunded (credit)', amount: challengerBond });
          break;
        case 'GameResolved':
          if (Number(a.status) === 4) out.push({ l1Block: r.l1Block, what: `challenger bond of cancelled game ${a.gameId} refunded (credit)`, amount: challengerBond });
          break;
        case 'ChallengeRejected':
          out.push({ l1Block: r.l1Block, what: `challenger bond on #${a.batchIndex} lost to the proposer (credit)`, amount: challengerBond });
          break;
        case 'Withdrawn':
          out.push({ l1Block: r.l1Block, what: `${who(a.account)} withdraws credits`, amount: a.amount as bigint });
          break;
        default:
      }
    }
  }
  return out;
}

/** Address -> actor name for the devnet's L1 accounts. */
export function actorNames(entries: Array<[Address, string]>): Map<string, string> {
  return new Map(entries.map(([a, n]) => [a.toLowerCase(), n]));
}
