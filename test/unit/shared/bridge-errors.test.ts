// One BridgeRequestError for both sides: its codes come from the wire schema, and what crosses the wire is main's
// code and message, or 'failed' with no detail for anything that is not a BridgeRequestError.
import { describe, expect, it } from 'vitest';
import {
  BridgeErrorCode,
  BridgeErrorCodeSchema,
  BridgeErrorSchema,
  BridgeRequestError,
} from '../../../shared/bridge/errors.js';

describe('BridgeRequestError', () => {
  it('names every code of the wire schema, plus the ones only a client gives up with', () => {
    expect(Object.keys(BridgeErrorCode).sort()).toEqual(
      [...BridgeErrorCodeSchema.options, 'disconnected', 'timeout', 'invalid_response'].sort(),
    );
  });

  it('crosses the wire as its code and message, and anything else as a bare "failed"', () => {
    const refused = BridgeRequestError.toWire(new BridgeRequestError(BridgeErrorCode.forbidden, 'needs the token'));
    expect(refused).toEqual({ code: 'forbidden', message: 'needs the token' });
    expect(BridgeErrorSchema.parse(refused)).toEqual(refused);
    expect(BridgeRequestError.toWire(new Error('ENOENT /home/x/secret'))).toEqual({
      code: 'failed',
      message: 'internal error',
    });
    // a client-side code never goes on the wire as such
    expect(BridgeRequestError.toWire(new BridgeRequestError(BridgeErrorCode.timeout, 'slow'))).toEqual({
      code: 'failed',
      message: 'slow',
    });
  });

  it('is an Error with its own name', () => {
    const e = new BridgeRequestError(BridgeErrorCode.failed, 'x');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('BridgeRequestError');
  });
});
