/**
 * Reading `DisputeGameManager` games, shared by the challenger (attacker), the proposer
 * (defender) and the drills.
 */
import type { Address, Hex, PublicClient } from 'viem';
import { disputeGameManagerAbi } from './contracts.ts';

/** `DisputeGameManager.Game` as viem decodes `getGame` (see contracts/DisputeGameManager.sol). */
export interface OnChainGame {
  batchIndex: bigint;
  challenger: Address;
  defender: Address;
  /** L2 block numbers of the agreed (lo) and disputed (hi) ends. */
  lo: bigint;
  hi: bigint;
  loRoot: Hex;
  hiRoot: Hex;
  batchDataHash: Hex;
  midRoot: Hex;
  midRevealed: boolean;
  /** 0 defender, 1 challenger (`TURN`). */
  turn: number;
  /** Seconds left on each side's chess clock. */
  defenderClock: bigint;
  challengerClock: bigint;
  /** L1 timestamp of the last move, seconds. */
  lastMoveAt: bigint;
  /** `GAME_STATUS`. */
  status: number;
}

/** Reads game `gameId` from the manager at `manager`. */
export async function readGame(publicClient: PublicClient, manager: Address, gameId: bigint): Promise<OnChainGame> {
  return (await publicClient.readContract({ address: manager, abi: disputeGameManagerAbi(), functionName: 'getGame', args: [gameId] })) as OnChainGame;
}
