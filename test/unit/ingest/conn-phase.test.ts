// The phase of an RTMP connection moves only as the table says: a publish waits at the gate before it is accepted or
// refused, a reader never becomes a publisher, and nothing leaves `closed`. Pins the bug the table replaced: a
// publisher that sent `play` was overwritten to `playing`, so its close never told the ingest or its readers.
import { describe, expect, it } from 'vitest';
import {
  canMove,
  IllegalPhaseMoveError,
  movePhase,
  PHASE_MOVES,
  type ConnPhase,
} from '../../../main/ingest/conn-phase.js';

const ALL: ConnPhase[] = ['handshake', 'gate', 'accepted', 'refused', 'playing', 'closed'];

describe('connection phase table', () => {
  it('allows the moves the adapter makes', () => {
    const made: Array<[ConnPhase, ConnPhase, string]> = [
      ['handshake', 'gate', 'publish command'],
      ['handshake', 'playing', 'play command'],
      ['handshake', 'refused', 'handshake timeout or bad input'],
      ['gate', 'accepted', 'the gate accepted'],
      ['gate', 'refused', 'the gate refused'],
      ['playing', 'refused', 'bad input from a reader'],
    ];
    for (const [from, to, why] of made) expect(canMove(from, to), `${from} -> ${to}: ${why}`).toBe(true);
  });

  it('allows every listed move and returns the new phase', () => {
    for (const from of ALL) for (const to of PHASE_MOVES[from]) expect(movePhase(from, to)).toBe(to);
  });

  it('refuses every move the table does not list, naming both phases', () => {
    let refused = 0;
    for (const from of ALL)
      for (const to of ALL) {
        if (PHASE_MOVES[from].includes(to)) continue;
        expect(canMove(from, to)).toBe(false);
        expect(() => movePhase(from, to)).toThrow(IllegalPhaseMoveError);
        expect(() => movePhase(from, to)).toThrow(`RTMP connection cannot go from ${from} to ${to}`);
        refused++;
      }
    expect(refused).toBe(ALL.length * ALL.length - 11);
  });

  it('never accepts a publish without the gate, nor turns a publisher into a reader', () => {
    expect(canMove('handshake', 'accepted')).toBe(false);
    expect(canMove('accepted', 'playing')).toBe(false);
    expect(canMove('gate', 'playing')).toBe(false);
    expect(canMove('playing', 'gate')).toBe(false);
    expect(canMove('refused', 'accepted')).toBe(false);
  });

  it('lets every phase close, and nothing leave closed (not even to closed again)', () => {
    for (const from of ALL.filter((p) => p !== 'closed')) expect(canMove(from, 'closed')).toBe(true);
    for (const to of ALL) expect(canMove('closed', to)).toBe(false);
  });
});
