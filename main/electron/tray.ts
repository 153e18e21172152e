// Owns the live indicator: a tray icon whose image and tooltip say whether anything is live, with a
// small menu (show window, quit). Where the desktop has no tray area the window title says it too.
import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';

export interface LiveStatus {
  variant: 'idle' | 'live';
  tooltip: string;
  title: string;
}

export function liveStatus(liveCount: number): LiveStatus {
  if (liveCount <= 0) return { variant: 'idle', tooltip: 'kLive Station: nothing live', title: 'kLive Station' };
  const streams = liveCount === 1 ? '1 stream' : `${liveCount} streams`;
  return { variant: 'live', tooltip: `kLive Station: ${streams} LIVE`, title: `kLive Station (${streams} live)` };
}

export interface LiveIndicatorDeps {
  createTray: (image: NativeImage) => Pick<Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'destroy'>;
  buildMenu: (template: MenuItemConstructorOptions[]) => Menu;
  images: Record<LiveStatus['variant'], NativeImage>;
  onShowWindow: () => void;
  onQuit: () => void;
  /** also mirrored into the window title (the indicator where no tray exists) */
  setTitle?: (title: string) => void;
}

export class LiveIndicator {
  private readonly tray: ReturnType<LiveIndicatorDeps['createTray']>;
  private current: LiveStatus | null = null;

  constructor(private readonly deps: LiveIndicatorDeps) {
    this.tray = deps.createTray(deps.images.idle);
    this.tray.setContextMenu(
      deps.buildMenu([
        { label: 'Show kLive Station', click: () => deps.onShowWindow() },
        { type: 'separator' },
        { label: 'Quit', click: () => deps.onQuit() },
      ]),
    );
    this.update(0);
  }

  update(liveCount: number): LiveStatus {
    const status = liveStatus(liveCount);
    if (this.current?.variant !== status.variant) this.tray.setImage(this.deps.images[status.variant]);
    if (this.current?.tooltip !== status.tooltip) {
      this.tray.setToolTip(status.tooltip);
      this.deps.setTitle?.(status.title);
    }
    this.current = status;
    return status;
  }

  destroy(): void {
    this.tray.destroy();
  }
}
