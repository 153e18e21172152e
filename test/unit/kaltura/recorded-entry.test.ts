// registerMediaServer's shouldCreateRecordedEntry follows recordingStatus == ACTIVE (issue 16; liveDVR's
// BackendClient.registerEntryInDatabase), not recordStatus: an explicit-live entry whose recording is STOPPED
// or PAUSED gets no new recorded entry although its recordStatus is APPENDED.
import { describe, expect, it } from 'vitest';
import { shouldCreateRecordedEntry } from '../../../main/core/kaltura-api.js';

describe('shouldCreateRecordedEntry', () => {
  it.each([
    [{ recordingStatus: 2, recordStatus: 1, explicitLive: true }, true],
    [{ recordingStatus: 0, recordStatus: 1, explicitLive: true }, false],
    [{ recordingStatus: 1, recordStatus: 2, explicitLive: false }, false],
    [{ recordingStatus: 3, recordStatus: 0, explicitLive: false }, false],
    // the server did not send recordingStatus: Kaltura's own derivation (LiveEntry::getRecordingStatus)
    [{ recordingStatus: null, recordStatus: 1, explicitLive: false }, true],
    [{ recordingStatus: null, recordStatus: 0, explicitLive: false }, false],
    [{ recordingStatus: null, recordStatus: 1, explicitLive: true }, false],
    [{ recordStatus: 2, explicitLive: null }, true],
  ])('%j -> %s', (entry, expected) => {
    expect(shouldCreateRecordedEntry(entry)).toBe(expected);
  });
});
