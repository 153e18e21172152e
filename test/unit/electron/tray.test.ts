import { describe, expect, it, vi } from 'vitest';
import type { NativeImage } from 'electron';
import { LiveIndicator, liveStatus } from '../../../main/electron/tray.js';
import { TRAY_ICONS } from '../../../main/electron/tray-icons.js';

vi.mock('electron', () => {
  throw new Error('tray.ts must not need the electron module at runtime');
});

describe('live indicator', () => {
  it('says idle or how many streams are live', () => {
    expect(liveStatus(0)).toEqual({ variant: 'idle', tooltip: 'kLive Station: nothing live', title: 'kLive Station' });
    expect(liveStatus(1)).toEqual({
      variant: 'live',
      tooltip: 'kLive Station: 1 stream LIVE',
      title: 'kLive Station (1 stream live)',
    });
    expect(liveStatus(4).tooltip).toBe('kLive Station: 4 streams LIVE');
  });

  it('switches the tray image and tooltip (and window title) as the live count changes', () => {
    const idle = { id: 'idle' } as unknown as NativeImage;
    const live = { id: 'live' } as unknown as NativeImage;
    const tray = { setImage: vi.fn(), setToolTip: vi.fn(), setContextMenu: vi.fn(), destroy: vi.fn() };
    const createTray = vi.fn(() => tray);
    const setTitle = vi.fn();
    const onQuit = vi.fn();
    let template: Array<{ label?: string; click?: () => void }> = [];
    const indicator = new LiveIndicator({
      createTray,
      buildMenu: (t) => {
        template = t as typeof template;
        return {} as never;
      },
      images: { idle, live },
      onShowWindow: vi.fn(),
      onQuit,
      setTitle,
    });
    expect(createTray).toHaveBeenCalledWith(idle);
    expect(tray.setToolTip).toHaveBeenLastCalledWith('kLive Station: nothing live');
    indicator.update(2);
    expect(tray.setImage).toHaveBeenLastCalledWith(live);
    expect(tray.setToolTip).toHaveBeenLastCalledWith('kLive Station: 2 streams LIVE');
    expect(setTitle).toHaveBeenLastCalledWith('kLive Station (2 streams live)');
    const images = tray.setImage.mock.calls.length;
    indicator.update(3);
    expect(tray.setImage).toHaveBeenCalledTimes(images);
    indicator.update(0);
    expect(tray.setImage).toHaveBeenLastCalledWith(idle);
    template.find((i) => i.label === 'Quit')?.click?.();
    expect(onQuit).toHaveBeenCalled();
    indicator.destroy();
    expect(tray.destroy).toHaveBeenCalled();
  });

  it('ships real PNG tray images for both states at 1x and 2x', () => {
    for (const variant of [TRAY_ICONS.idle, TRAY_ICONS.live]) {
      for (const [url, size] of [
        [variant.x1, 16],
        [variant.x2, 32],
      ] as const) {
        expect(url.startsWith('data:image/png;base64,')).toBe(true);
        const png = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
        expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
      }
    }
    expect(TRAY_ICONS.idle.x1).not.toBe(TRAY_ICONS.live.x1);
  });
});
