// The one stream id and the names derived from it. Pins the bug where a backup (i=1) or a second ingest (_2) of an
// entry wrote into the primary's HLS folder.
import { describe, expect, it } from 'vitest';
import { hlsFolder, mintStreamId, streamParts, streamSlot, streamSlotOf } from '../../../main/core/ids.js';
import { resolveHlsPath } from '../../../main/http/hls-route.js';

describe('StreamId', () => {
  it('names the stream name, the server index and the session, and gives back each', () => {
    const primary = mintStreamId({ streamName: '0_rkij47dr_1', mediaServerIndex: 0 }, 1);
    const backup = mintStreamId({ streamName: '0_rkij47dr_1', mediaServerIndex: 1 }, 36);
    expect(primary).toBe('0_rkij47dr_1~1');
    expect(backup).toBe('0_rkij47dr_1-b~10');
    expect(streamSlot(primary)).toBe('0_rkij47dr_1');
    expect(streamSlot(backup)).toBe(streamSlotOf({ streamName: '0_rkij47dr_1', mediaServerIndex: 1 }));
    expect(streamParts(backup)).toEqual({ streamName: '0_rkij47dr_1', mediaServerIndex: 1 });
    // a later session of the same name is another stream, in the same slot
    const later = mintStreamId({ streamName: '0_rkij47dr_1', mediaServerIndex: 0 }, 2);
    expect(later).not.toBe(primary);
    expect(streamSlot(later)).toBe(streamSlot(primary));
  });
});

describe('hlsFolder', () => {
  const id = (streamName: string, mediaServerIndex: 0 | 1): string => mintStreamId({ streamName, mediaServerIndex }, 7);

  it('gives the primary source the entry folder and every other ingest its own', () => {
    expect(hlsFolder(id('0_rkij47dr_1', 0))).toBe('0_rkij47dr');
    expect(hlsFolder(id('0_rkij47dr_1', 1))).toBe('0_rkij47dr-b1');
    expect(hlsFolder(id('0_rkij47dr_2', 0))).toBe('0_rkij47dr-p2');
    expect(hlsFolder(id('0_rkij47dr_2', 1))).toBe('0_rkij47dr-b2');
  });

  it('is served by the HLS route, and nothing else that looks like it is', () => {
    expect(resolveHlsPath('/data/hls', `/hls/${hlsFolder(id('0_rkij47dr_1', 1))}/master.m3u8`)?.file).toBe(
      '/data/hls/0_rkij47dr-b1/master.m3u8',
    );
    expect(resolveHlsPath('/data/hls', '/hls/0_rkij47dr-x1/master.m3u8')).toBeNull();
    expect(resolveHlsPath('/data/hls', '/hls/0_rkij47dr-b1/..%2f..%2fetc/passwd')).toBeNull();
  });
});
