// Owns the phase of one RTMP connection as a transition table: which phase may follow which. A move the table does
// not list is a bug or a confused client, and is an error (the connection is then closed), never a silent overwrite.

export type ConnPhase = 'handshake' | 'gate' | 'accepted' | 'refused' | 'playing' | 'closed';

/**
 * handshake: connected, neither published nor played yet (the handshake timeout runs);
 * gate: published, waiting for the Kaltura gate (media held back); accepted: publishing, fanned out;
 * refused: being closed without its media reaching anyone; playing: an RTMP reader; closed: the socket closed.
 */
export const PHASE_MOVES: Readonly<Record<ConnPhase, readonly ConnPhase[]>> = {
  handshake: ['gate', 'playing', 'refused', 'closed'],
  gate: ['accepted', 'refused', 'closed'],
  accepted: ['closed'],
  refused: ['closed'],
  playing: ['refused', 'closed'],
  closed: [],
};

export class IllegalPhaseMoveError extends Error {
  constructor(
    readonly from: ConnPhase,
    readonly to: ConnPhase,
  ) {
    super(`RTMP connection cannot go from ${from} to ${to}`);
    this.name = 'IllegalPhaseMoveError';
  }
}

export function canMove(from: ConnPhase, to: ConnPhase): boolean {
  return PHASE_MOVES[from].includes(to);
}

/** The phase after a move from `from` to `to`; throws IllegalPhaseMoveError when the table does not allow it. */
export function movePhase(from: ConnPhase, to: ConnPhase): ConnPhase {
  if (!canMove(from, to)) throw new IllegalPhaseMoveError(from, to);
  return to;
}
