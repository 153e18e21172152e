// @vitest-environment jsdom
// Components on a fake bridge: the live list (order, health, refusals, empty state, keyboard), entry detail
// (ladder rows, drift tone), settings (client and server errors), connect (publish details), status bar, theme.
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { AppProvider } from '../../../renderer/src/state/context.js';
import { applySnapshot, createStores } from '../../../renderer/src/state/stores.js';
import type { Stores } from '../../../renderer/src/state/stores.js';
import { LiveEntries } from '../../../renderer/src/screens/LiveEntries.js';
import { EntryDetail } from '../../../renderer/src/screens/EntryDetail.js';
import { SettingsScreen } from '../../../renderer/src/screens/Settings.js';
import { ConnectScreen } from '../../../renderer/src/screens/Connect.js';
import { StatusBar } from '../../../renderer/src/components/StatusBar.js';
import { App, THEME_STORAGE_KEY } from '../../../renderer/src/App.js';
import { DEFAULT_SETTINGS } from '../../../shared/settings.js';
import type { Handlers } from './fixtures.js';
import {
  makeConnection,
  makeEntry,
  makeFakeBridge,
  makeInfo,
  makeRendition,
  makeSnapshot,
  makeStream,
  T0,
} from './fixtures.js';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

function renderWith(ui: ReactNode, handlers: Handlers = {}, setup?: (stores: Stores) => void) {
  const bridge = makeFakeBridge(handlers);
  const connection = makeConnection(bridge);
  const stores = createStores({ theme: 'dark', nowMs: T0 + 65_000 });
  setup?.(stores);
  const result = render(
    <AppProvider stores={stores} connection={connection}>
      {ui}
    </AppProvider>,
  );
  return { ...result, stores, bridge };
}

const settings = { ...structuredClone(DEFAULT_SETTINGS), adminSecretStored: false };

describe('LiveEntries', () => {
  it('lists entries problems first with health, uptime and the refusal reason', () => {
    const entries = [
      makeEntry({ entryId: '0_goodgood', name: 'Good one' }),
      makeEntry({ entryId: '0_poorpoor', name: 'Poor one', health: 'Poor', healthReason: 'no audio for 12 s' }),
      makeEntry({
        entryId: '0_refused1',
        name: 'Refused one',
        health: 'Fair',
        streams: [
          makeStream({
            entryId: '0_refused1',
            state: 'refused',
            reason: 'Kaltura refused the token: copy the Server URL again',
          }),
        ],
      }),
    ];
    renderWith(<LiveEntries />, {}, (stores) => applySnapshot(stores, makeSnapshot({ entries })));
    const rows = screen.getAllByTestId(/^entry-row-/).map((r) => r.dataset.testid);
    expect(rows).toEqual(['entry-row-0_poorpoor', 'entry-row-0_refused1', 'entry-row-0_goodgood']);
    const poor = screen.getByTestId('entry-row-0_poorpoor');
    expect(within(poor).getByTestId('entry-health').textContent).toContain('Poor');
    expect(within(poor).getByTestId('entry-health-reason').textContent).toBe('no audio for 12 s');
    expect(within(poor).getByTestId('uptime').textContent).toBe('1:05');
    expect(within(screen.getByTestId('entry-row-0_refused1')).getByTestId('refusal-reason').textContent).toBe(
      'Kaltura refused the token: copy the Server URL again',
    );
  });

  it('re-sorts when a delta makes an entry unhealthy, and opens the detail with the keyboard', () => {
    const { stores } = renderWith(<LiveEntries />, {}, (s) =>
      applySnapshot(
        s,
        makeSnapshot({
          entries: [makeEntry({ entryId: '0_aaaaaaaa', name: 'A' }), makeEntry({ entryId: '0_bbbbbbbb', name: 'B' })],
        }),
      ),
    );
    expect(screen.getAllByTestId(/^entry-row-/)[0]?.dataset.testid).toBe('entry-row-0_aaaaaaaa');
    act(() =>
      stores.entries
        .getState()
        .upsert(makeEntry({ entryId: '0_bbbbbbbb', name: 'B', health: 'Fair', healthReason: 'GOP 6 s' })),
    );
    const first = screen.getAllByTestId(/^entry-row-/)[0];
    expect(first?.dataset.testid).toBe('entry-row-0_bbbbbbbb');
    fireEvent.keyDown(first as HTMLElement, { key: 'Enter' });
    expect(stores.ui.getState()).toMatchObject({ view: 'detail', selectedEntryId: '0_bbbbbbbb' });
  });

  it('shows how to connect OBS when there are no entries', () => {
    renderWith(<LiveEntries />, {}, (stores) =>
      applySnapshot(stores, makeSnapshot({ entries: [], info: makeInfo({ rtmpUrl: 'rtmp://10.0.0.5:1935/kLive' }) })),
    );
    const empty = screen.getByTestId('live-empty');
    expect(empty.textContent).toContain('rtmp://10.0.0.5:1935/kLive/?p=102&e=0_rkij47dr&i=0&t=TOKEN');
    expect(empty.textContent).toContain('0_rkij47dr_1');
  });
});

describe('EntryDetail', () => {
  it('shows each rendition with its measured bitrate, coloured when it drifts from the target', () => {
    const stream = makeStream({
      masterPlaylistUrl: null,
      renditions: [
        makeRendition({
          streamName: '0_rkij47dr_33',
          name: 'HD/720',
          targetVideoBitrateBps: 2_500_000,
          measuredBitrateBps: 1_400_000,
        }),
        makeRendition({
          streamName: '0_rkij47dr_34',
          name: 'SD',
          targetVideoBitrateBps: 900_000,
          measuredBitrateBps: 910_000,
        }),
      ],
    });
    renderWith(<EntryDetail />, {}, (stores) => {
      applySnapshot(stores, makeSnapshot({ entries: [makeEntry({ streams: [stream] })] }));
      stores.ui.getState().openEntry('0_rkij47dr');
    });
    const hd = within(screen.getByTestId('rendition-row-0_rkij47dr_33')).getByTestId('measured-bitrate');
    expect(hd.textContent).toBe('1.40 Mbps');
    expect(hd.dataset.tone).toBe('fair');
    expect(screen.getByTestId('rendition-row-0_rkij47dr_33').textContent).toContain('−44% vs target');
    expect(within(screen.getByTestId('rendition-row-0_rkij47dr_34')).getByTestId('measured-bitrate').dataset.tone).toBe(
      'good',
    );
    expect(screen.getByTestId('metric-videoBitrate').textContent).toContain('4.95 Mbps (declared 5.00 Mbps)');
    expect(screen.getByTestId('registration-status').textContent).toContain('playable');
  });

  // issue 21: with OBS's default 8.3 s GOP the source rung is re-encoded; the producer is told why
  it('says when the source rendition is re-encoded for a long GOP, on the row and above the ladder', () => {
    const stream = makeStream({
      masterPlaylistUrl: null,
      transcoder: {
        wanted: 'run',
        observed: 'running',
        pid: 4242,
        restarts: 0,
        speed: 1,
        frameRateFps: 30,
        droppedFrames: 0,
        duplicatedFrames: 0,
        cpuPercent: 80,
        rssBytes: 90e6,
        encoder: 'libx264',
        lastError: null,
        stderrTail: [],
        keyFrames: {
          mode: 'interval',
          sourceRung: 'reencoded',
          sourceGopSeconds: 8.33,
          segmentSeconds: 2,
          text: 'the encoder sends a key frame every 8.3 s: every rendition gets one every 2.0 s and the source is re-encoded at its bitrate (OBS → Settings → Output → Keyframe Interval: 2 s)',
        },
      },
      renditions: [
        makeRendition({
          streamName: '0_rkij47dr_32',
          name: 'Source',
          passthrough: false,
          targetVideoBitrateBps: 2_500_000,
          measuredBitrateBps: 2_600_000,
          note: "re-encoded at the source's bitrate: the encoder's key frames come every 8.3 s",
        }),
        makeRendition({
          streamName: '0_rkij47dr_34',
          name: 'SD',
          targetVideoBitrateBps: 900_000,
          measuredBitrateBps: 910_000,
        }),
      ],
    });
    renderWith(<EntryDetail />, {}, (stores) => {
      applySnapshot(stores, makeSnapshot({ entries: [makeEntry({ streams: [stream] })] }));
      stores.ui.getState().openEntry('0_rkij47dr');
    });
    expect(within(screen.getByTestId('rendition-row-0_rkij47dr_32')).getByTestId('rendition-note').textContent).toBe(
      "re-encoded at the source's bitrate: the encoder's key frames come every 8.3 s",
    );
    expect(within(screen.getByTestId('rendition-row-0_rkij47dr_34')).queryByTestId('rendition-note')).toBeNull();
    expect(screen.getByTestId('ladder-keyframes').textContent).toContain('Keyframe Interval: 2 s');
  });

  it('explains a refused stream instead of showing an empty ladder', () => {
    renderWith(<EntryDetail />, {}, (stores) => {
      applySnapshot(
        stores,
        makeSnapshot({
          entries: [
            makeEntry({
              health: 'Poor',
              streams: [makeStream({ state: 'refused', reason: 'LIVE_STREAM_INVALID_TOKEN: copy the URL again' })],
            }),
          ],
        }),
      );
      stores.ui.getState().openEntry('0_rkij47dr');
    });
    expect(screen.getByTestId('refusal-reason').textContent).toBe('LIVE_STREAM_INVALID_TOKEN: copy the URL again');
    expect(screen.queryByTestId('ladder-table')).toBeNull();
  });
});

describe('SettingsScreen', () => {
  it('validates on the client first and does not call the station with a bad form', () => {
    const { bridge } = renderWith(<SettingsScreen />, {}, (stores) => stores.settings.getState().set(settings));
    fireEvent.change(screen.getByTestId('settings-mode'), { target: { value: 'saas' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    expect(screen.getByTestId('settings-error-serviceUrl').textContent).toMatch(/service URL/);
    expect(screen.getByTestId('settings-error-adminSecret').textContent).toMatch(/admin secret/);
    expect(bridge.calls.filter((c) => c.name === 'settings.update')).toEqual([]);
  });

  it('shows the station’s field errors next to the fields, and never shows the stored secret', async () => {
    const { bridge } = renderWith(
      <SettingsScreen />,
      {
        'settings.update': () => ({
          ok: false,
          errors: [
            { path: 'kaltura.serviceUrl', message: 'No Kaltura api_v3 answered at this URL: check the address.' },
          ],
        }),
      },
      (stores) => stores.settings.getState().set({ ...settings, adminSecretStored: true }),
    );
    const secret = screen.getByTestId('settings-adminSecret') as HTMLInputElement;
    expect(secret.type).toBe('password');
    expect(secret.value).toBe('');
    expect(secret.placeholder).toContain('stored');
    fireEvent.change(screen.getByTestId('settings-mode'), { target: { value: 'saas' } });
    fireEvent.change(screen.getByTestId('settings-serviceUrl'), { target: { value: 'https://kaltura.example.com' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() =>
      expect(screen.getByTestId('settings-error-serviceUrl').textContent).toBe(
        'No Kaltura api_v3 answered at this URL: check the address.',
      ),
    );
    expect(bridge.calls.find((c) => c.name === 'settings.update')?.payload).toEqual({
      kaltura: { mode: 'saas', serviceUrl: 'https://kaltura.example.com' },
    });
  });

  it('saves a valid change, stores what the station returned and says so', async () => {
    const { stores } = renderWith(
      <SettingsScreen />,
      {
        'settings.update': (update) => ({
          ok: true,
          settings: { ...settings, media: { ...settings.media, ...update.media } },
        }),
      },
      (s) => s.settings.getState().set(settings),
    );
    fireEvent.change(screen.getByTestId('settings-defaultSegmentDurationSeconds'), { target: { value: '4' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByTestId('settings-saved').textContent).toContain('Saved'));
    expect(stores.settings.getState().settings?.media.defaultSegmentDurationSeconds).toBe(4);
    expect((screen.getByTestId('settings-defaultSegmentDurationSeconds') as HTMLInputElement).value).toBe('4');
  });

  it('runs Test connection and shows the answer', async () => {
    renderWith(
      <SettingsScreen />,
      { 'kaltura.testConnection': () => ({ ok: false, message: 'Invalid KS: check the admin secret', latencyMs: 40 }) },
      (stores) => stores.settings.getState().set(settings),
    );
    fireEvent.click(screen.getByTestId('settings-test-connection'));
    await waitFor(() =>
      expect(screen.getByTestId('settings-test-result').textContent).toContain('Invalid KS: check the admin secret'),
    );
  });
});

// Issue 22: which FFmpeg is in use, its release, and what it cannot do, shown before any stream arrives.
const OLD_FFMPEG = {
  status: 'ok' as const,
  path: '/app/node_modules/@ffmpeg-installer/linux-x64/ffmpeg',
  source: 'bundled' as const,
  version: 'N-47683-g0e8eb07980-static',
  message: null,
  release: '4.1',
  lacks: [],
  olderEquivalents: ['-vsync vfr for skipped-frame renditions (no -fps_mode, FFmpeg 5.1+)'],
  warning:
    'FFmpeg 4.1 is older than the station is built for (6.0+); it works with older equivalents: -vsync vfr. For the best results install a current FFmpeg (6.x or 7.x).',
};
const LACKING_FFMPEG = {
  ...OLD_FFMPEG,
  lacks: [{ missing: 'encoder libx264', impact: 'encode H.264 on the CPU', minRelease: '4.0' }],
  warning:
    'FFmpeg 4.1 cannot encode H.264 on the CPU (no encoder libx264; FFmpeg 4.0+). To fix: install a current FFmpeg.',
};

describe('the FFmpeg in use', () => {
  it('Settings and the status bar name the release, where it came from, the older equivalents and the warning with the fix', () => {
    renderWith(
      <>
        <SettingsScreen />
        <StatusBar />
      </>,
      {},
      (stores) => {
        stores.settings.getState().set(settings);
        applySnapshot(stores, makeSnapshot({ info: makeInfo({ ffmpeg: OLD_FFMPEG }) }));
      },
    );
    const inUse = screen.getByTestId('settings-ffmpeg-in-use');
    expect(inUse.textContent).toContain('FFmpeg 4.1 (bundled)');
    expect(inUse.textContent).toContain('uses -vsync vfr for skipped-frame renditions');
    expect(inUse.textContent).toContain('install a current FFmpeg (6.x or 7.x)');
    const status = screen.getByTestId('status-ffmpeg');
    expect(status.textContent).toContain('FFmpeg 4.1 (bundled)');
    expect(status.querySelector('[data-tone]')?.getAttribute('data-tone')).toBe('fair');
  });

  it('a lacking FFmpeg is a warning above every screen with the fix; a current one says nothing', () => {
    renderWith(<App />, {}, (s) =>
      applySnapshot(s, makeSnapshot({ entries: [], info: makeInfo({ ffmpeg: LACKING_FFMPEG }) })),
    );
    const banner = screen.getByTestId('ffmpeg-warning');
    expect(banner.className).toContain('banner--poor');
    expect(banner.textContent).toContain(
      'cannot encode H.264 on the CPU (no encoder libx264; FFmpeg 4.0+). To fix: install a current FFmpeg.',
    );
    expect(screen.getByTestId('status-ffmpeg').textContent).toContain('FFmpeg 4.1 (bundled)');
    cleanup();
    renderWith(<App />, {}, (s) =>
      applySnapshot(
        s,
        makeSnapshot({
          entries: [],
          info: makeInfo({
            ffmpeg: { ...OLD_FFMPEG, release: '7.1', olderEquivalents: [], warning: null, source: 'path' },
          }),
        }),
      ),
    );
    expect(screen.queryByTestId('ffmpeg-warning')).toBeNull();
    expect(screen.getByTestId('status-ffmpeg').textContent).toContain('FFmpeg 7.1 (PATH)');
  });
});

describe('ConnectScreen', () => {
  const sandboxEntry = {
    entryId: '0_rkij47dr',
    partnerId: 102,
    name: 'Sandbox stage',
    conversionProfileId: 1,
    dvrEnabled: false,
    recordingEnabled: false,
    createdAtMs: T0,
    tokenUpdatedAtMs: T0,
  };
  const handlers: Handlers = {
    'sandbox.listEntries': () => [sandboxEntry],
    'sandbox.listProfiles': () => [],
    'connect.getPublishDetails': ({ entryId }) => ({
      entryId,
      partnerId: 102,
      primary: {
        serverUrl: `rtmp://127.0.0.1:1935/kLive/?p=102&e=${entryId}&i=0&t=dj94kfit`,
        streamKey: `${entryId}_1`,
      },
      backup: {
        serverUrl: `rtmp://127.0.0.1:1935/kLive/?p=102&e=${entryId}&i=1&t=dj94kfit`,
        streamKey: `${entryId}_1`,
      },
    }),
  };

  it('shows the server URL and stream key of the first sandbox entry', async () => {
    renderWith(<ConnectScreen />, handlers, (stores) => applySnapshot(stores, makeSnapshot({ entries: [] })));
    await waitFor(() =>
      expect((screen.getByTestId('connect-server-url') as HTMLInputElement).value).toBe(
        'rtmp://127.0.0.1:1935/kLive/?p=102&e=0_rkij47dr&i=0&t=dj94kfit',
      ),
    );
    expect((screen.getByTestId('connect-stream-key') as HTMLInputElement).value).toBe('0_rkij47dr_1');
    expect(screen.getByTestId('connect-ffmpeg-command').textContent).toContain('0_rkij47dr_1?p=102');
  });

  it('builds the values locally for a typed entry id and token', async () => {
    const { bridge } = renderWith(<ConnectScreen />, handlers, (stores) =>
      applySnapshot(stores, makeSnapshot({ entries: [] })),
    );
    await waitFor(() => expect(screen.getByTestId('connect-entry')).toBeTruthy());
    fireEvent.change(screen.getByTestId('connect-entry'), { target: { value: '__manual__' } });
    fireEvent.change(screen.getByTestId('connect-manual-entryId'), { target: { value: '1_abcdefgh' } });
    fireEvent.change(screen.getByTestId('connect-manual-partnerId'), { target: { value: '555' } });
    fireEvent.change(screen.getByTestId('connect-manual-token'), { target: { value: 'cafe1234' } });
    expect((screen.getByTestId('connect-server-url') as HTMLInputElement).value).toBe(
      'rtmp://127.0.0.1:1935/kLive/?p=555&e=1_abcdefgh&i=0&t=cafe1234',
    );
    expect((screen.getByTestId('connect-stream-key') as HTMLInputElement).value).toBe('1_abcdefgh_1');
    expect(bridge.calls.filter((c) => c.name === 'connect.getPublishDetails').map((c) => c.payload)).toEqual([
      { entryId: '0_rkij47dr' },
    ]);
  });
});

describe('StatusBar', () => {
  it('warns clearly when FFmpeg is missing and renews the KS on demand', async () => {
    const { bridge, stores } = renderWith(
      <StatusBar />,
      {
        'kaltura.renewKs': () => ({
          state: 'valid',
          validUntilMs: T0 + 2 * 86_400_000,
          lastRenewalAtMs: T0,
          lastError: null,
        }),
      },
      (s) =>
        applySnapshot(
          s,
          makeSnapshot({
            info: makeInfo({
              ffmpeg: {
                status: 'missing',
                path: null,
                source: null,
                version: null,
                message: 'FFmpeg not found: install it or set its path in Settings',
              },
            }),
          }),
        ),
    );
    expect(screen.getByTestId('status-ffmpeg').textContent).toContain('FFmpeg missing');
    expect(screen.getByTestId('status-ks').textContent).toContain('KS valid until');
    fireEvent.click(screen.getByTestId('status-renew-ks'));
    await waitFor(() => expect(stores.kaltura.getState().status?.ks.validUntilMs).toBe(T0 + 2 * 86_400_000));
    expect(bridge.calls.map((c) => c.name)).toEqual(['kaltura.renewKs']);
  });
});

describe('App', () => {
  it('puts a banner with the fix above every screen while FFmpeg is missing', () => {
    renderWith(<App />, {}, (s) =>
      applySnapshot(
        s,
        makeSnapshot({
          entries: [],
          info: makeInfo({
            ffmpeg: {
              status: 'missing',
              path: null,
              source: null,
              version: null,
              message: 'FFmpeg not found on PATH.',
            },
          }),
        }),
      ),
    );
    expect(screen.getByTestId('ffmpeg-warning').textContent).toContain('FFmpeg not found on PATH.');
    expect(screen.getByTestId('ffmpeg-warning').textContent).toContain('set its path in Settings');
  });

  it('toggles and persists the theme', () => {
    const { stores } = renderWith(<App />, {}, (s) => applySnapshot(s, makeSnapshot({ entries: [] })));
    expect(document.documentElement.dataset.theme).toBe('dark');
    fireEvent.click(screen.getByTestId('theme-toggle'));
    expect(stores.ui.getState().theme).toBe('light');
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('light');
    fireEvent.click(screen.getByTestId('nav-events'));
    expect(stores.ui.getState().view).toBe('events');
    expect(document.activeElement?.textContent).toBe('Events');
  });
});

// The Kaltura entries screen is the one entries table for any Kaltura (the sandbox included): these moved
// here from the old Sandbox screen's own table (create, rename, profile, DVR, recording, delete).
describe('KalturaEntriesScreen entry actions', () => {
  const status = {
    signedIn: true,
    serviceUrl: 'http://127.0.0.1:1/api_v3',
    kmcUrl: null,
    method: 'login' as const,
    partnerId: 102,
    partnerName: 'Sandbox partner',
    userId: 'producer@klive.local',
    partners: [{ id: 102, name: 'Sandbox partner' }],
    expiresAtMs: T0 + 86_400_000,
    renewable: false,
    capabilities: [],
    adminSecret: 'not-needed' as const,
    problem: null,
  };
  const entry = {
    entryId: '0_rkij47dr',
    partnerId: 102,
    name: 'Sandbox stage',
    conversionProfileId: 1,
    conversionProfileName: 'Default',
    dvrEnabled: false,
    recordingEnabled: false,
    liveState: 'offline' as const,
    primary: null,
    backup: null,
    kmcUrl: null,
  };
  const profiles = [
    { id: 1, name: 'Default', description: 'source + 3', isDefault: true },
    { id: 2, name: 'Passthrough only', description: 'source', isDefault: false },
  ];

  it('creates, renames, changes profile and DVR, and deletes after a confirmation naming the entry', async () => {
    const { KalturaEntriesScreen } = await import('../../../renderer/src/screens/KalturaEntries.js');
    let current = { ...entry };
    const { bridge } = renderWith(
      <KalturaEntriesScreen />,
      {
        'producer.getStatus': () => status,
        'producer.listEntries': () => ({ entries: [entry], totalCount: 1, pageIndex: 1, pageSize: 20 }),
        'producer.listProfiles': () => profiles,
        'producer.createEntry': (req) => ({
          ...entry,
          entryId: '0_newentry',
          name: req.name,
          conversionProfileId: req.conversionProfileId ?? 1,
          dvrEnabled: req.dvrEnabled,
        }),
        'producer.updateEntry': ({ entryId, ...req }) => {
          if (req.conversionProfileId === 2)
            throw new Error(
              '[failed] Kaltura did not change the entry: Kaltura has no such conversion profile (CONVERSION_PROFILE_ID_NOT_FOUND: Conversion profile id "2" not found): pick one of the partner\'s live profiles.',
            );
          current = {
            ...current,
            entryId,
            ...(req.name ? { name: req.name } : {}),
            ...(req.dvrEnabled !== undefined ? { dvrEnabled: req.dvrEnabled } : {}),
          };
          return current;
        },
        'producer.deleteEntry': ({ entryId }) => ({ entryId }),
      },
      (s) => s.settings.getState().set(settings),
    );
    await waitFor(() => expect(screen.getByTestId('kaltura-row-0_rkij47dr')).toBeTruthy());

    fireEvent.click(screen.getByTestId('kaltura-create'));
    expect(screen.getByTestId('kaltura-create-error').textContent).toContain('give the entry a name');
    fireEvent.change(screen.getByTestId('kaltura-new-name'), { target: { value: 'Second stage' } });
    fireEvent.change(screen.getByTestId('kaltura-new-profile'), { target: { value: '2' } });
    fireEvent.click(screen.getByTestId('kaltura-create'));
    await waitFor(() => expect(screen.getByTestId('kaltura-row-0_newentry')).toBeTruthy());
    expect(bridge.calls.find((c) => c.name === 'producer.createEntry')?.payload).toEqual({
      name: 'Second stage',
      conversionProfileId: 2,
      dvrEnabled: false,
      recordingEnabled: false,
    });

    const row = () => screen.getByTestId('kaltura-row-0_rkij47dr');
    fireEvent.click(within(row()).getByTestId('kaltura-rename'));
    fireEvent.change(within(row()).getByTestId('kaltura-rename-input'), { target: { value: '' } });
    expect((within(row()).getByTestId('kaltura-rename-save') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(row()).getByTestId('kaltura-rename-input'), { target: { value: 'Main stage' } });
    fireEvent.click(within(row()).getByTestId('kaltura-rename-save'));
    await waitFor(() => expect(within(row()).getByTestId('kaltura-entry-name').textContent).toBe('Main stage'));
    expect(bridge.calls.find((c) => c.name === 'producer.updateEntry')?.payload).toEqual({
      entryId: '0_rkij47dr',
      name: 'Main stage',
    });

    fireEvent.click(within(row()).getByTestId('kaltura-entry-dvr'));
    await waitFor(() =>
      expect((within(row()).getByTestId('kaltura-entry-dvr') as HTMLInputElement).checked).toBe(true),
    );
    expect(bridge.calls.filter((c) => c.name === 'producer.updateEntry').at(-1)?.payload).toEqual({
      entryId: '0_rkij47dr',
      dvrEnabled: true,
    });

    // Kaltura's refusal is shown in words on the row
    fireEvent.change(within(row()).getByTestId('kaltura-entry-profile'), { target: { value: '2' } });
    await waitFor(() =>
      expect(within(row()).getByTestId('kaltura-entry-error').textContent).toContain('CONVERSION_PROFILE_ID_NOT_FOUND'),
    );

    fireEvent.click(within(row()).getByTestId('kaltura-delete'));
    expect(within(row()).getByTestId('kaltura-delete-warning').textContent).toContain('"Main stage" (0_rkij47dr)');
    expect(bridge.calls.some((c) => c.name === 'producer.deleteEntry')).toBe(false);
    fireEvent.click(within(row()).getByTestId('kaltura-delete-confirm'));
    await waitFor(() => expect(screen.queryByTestId('kaltura-row-0_rkij47dr')).toBeNull());
    expect(bridge.calls.find((c) => c.name === 'producer.deleteEntry')?.payload).toEqual({ entryId: '0_rkij47dr' });
  });
});

describe('AccountPanel partner switch', () => {
  const status = {
    signedIn: true,
    serviceUrl: 'http://127.0.0.1:1/api_v3',
    kmcUrl: null,
    method: 'login' as const,
    partnerId: 102,
    partnerName: 'Sandbox partner',
    userId: 'producer@klive.local',
    partners: [
      { id: 102, name: 'Sandbox partner' },
      { id: 103, name: 'Second sandbox partner' },
    ],
    expiresAtMs: T0 + 86_400_000,
    renewable: false,
    capabilities: [],
    adminSecret: 'not-needed' as const,
    problem: null,
  };

  it('switches in one click without a password; a refused switch asks for the password with the partner filled in', async () => {
    const { AccountPanel } = await import('../../../renderer/src/screens/ProducerAccount.js');
    let refuse = false;
    const { bridge, stores } = renderWith(<AccountPanel status={status} />, {
      'producer.switchPartner': ({ partnerId }) => {
        if (refuse)
          throw new Error(
            '[failed] Could not switch to partner 103: Kaltura answered ADMIN_KUSER_NOT_FOUND: User was not found',
          );
        return { ...status, partnerId, partnerName: 'Second sandbox partner' };
      },
      'producer.getStatus': () => ({ ...status, partnerId: 103 }),
      'producer.listEntries': () => ({ entries: [], totalCount: 0, pageIndex: 1, pageSize: 20 }),
      'producer.listProfiles': () => [],
    });
    fireEvent.click(screen.getByTestId('producer-switch-103'));
    await waitFor(() => expect(stores.producer.getState().status?.partnerId).toBe(103));
    expect(bridge.calls.find((c) => c.name === 'producer.switchPartner')?.payload).toEqual({ partnerId: 103 });
    expect(screen.queryByTestId('producer-signin')).toBeNull();

    refuse = true;
    fireEvent.click(screen.getByTestId('producer-switch-103'));
    await waitFor(() =>
      expect(screen.getByTestId('producer-switch-error').textContent).toContain('ADMIN_KUSER_NOT_FOUND'),
    );
    expect((screen.getByTestId('signin-partner') as HTMLInputElement).value).toBe('103');
    expect((screen.getByTestId('signin-login') as HTMLInputElement).value).toBe('producer@klive.local');
    expect((screen.getByTestId('signin-password') as HTMLInputElement).value).toBe('');
  });
});

describe('SandboxScreen', () => {
  const entry = {
    entryId: '0_rkij47dr',
    partnerId: 102,
    name: 'Sandbox stage',
    conversionProfileId: 1,
    dvrEnabled: false,
    recordingEnabled: false,
    createdAtMs: T0,
    tokenUpdatedAtMs: T0,
  };
  const profiles = [{ id: 1, name: 'Default', description: 'source + 3', isDefault: true }];

  it('has no entries table of its own: it points to the Kaltura entries screen', async () => {
    const { SandboxScreen } = await import('../../../renderer/src/screens/Sandbox.js');
    const { stores } = renderWith(
      <SandboxScreen />,
      {
        'sandbox.listEntries': () => [entry],
        'sandbox.listProfiles': () => profiles,
        'sandbox.listPartners': () => [],
        'sandbox.listLogins': () => [],
      },
      (s) => s.settings.getState().set(settings),
    );
    expect(screen.queryByTestId('sandbox-table')).toBeNull();
    fireEvent.click(screen.getByTestId('sandbox-open-entries'));
    expect(stores.ui.getState().view).toBe('kaltura');
  });

  it('switches a partner feature and a live limit through the bridge, so a rehearsal meets the refusal', async () => {
    const { SandboxScreen } = await import('../../../renderer/src/screens/Sandbox.js');
    const partner = {
      partnerId: 102,
      name: 'Sandbox partner',
      features: {
        liveStream: true,
        serverNode: true,
        hybridEcdn: true,
        kalturaRecording: false,
        liveStreamTranscode: true,
      },
      maxLiveStreamInputs: 10,
      maxLiveStreamOutputs: 10,
    };
    const { bridge } = renderWith(
      <SandboxScreen />,
      {
        'sandbox.listEntries': () => [entry],
        'sandbox.listProfiles': () => profiles,
        'sandbox.listPartners': () => [partner],
        'sandbox.updatePartner': ({ features, ...rest }) => ({
          ...partner,
          ...rest,
          features: { ...partner.features, ...features },
        }),
      },
      (s) => s.settings.getState().set(settings),
    );
    const row = await waitFor(() => screen.getByTestId('sandbox-partner-102'));
    const serverNode = within(row).getByTestId('sandbox-feature-serverNode') as HTMLInputElement;
    expect(serverNode.checked).toBe(true);
    fireEvent.click(serverNode);
    await waitFor(() =>
      expect(
        (
          within(screen.getByTestId('sandbox-partner-102')).getByTestId(
            'sandbox-feature-serverNode',
          ) as HTMLInputElement
        ).checked,
      ).toBe(false),
    );
    expect(bridge.calls.find((c) => c.name === 'sandbox.updatePartner')?.payload).toEqual({
      partnerId: 102,
      features: { serverNode: false },
    });

    const inputs = within(screen.getByTestId('sandbox-partner-102')).getByTestId('sandbox-limit-inputs');
    fireEvent.change(inputs, { target: { value: '-1' } });
    expect(within(screen.getByTestId('sandbox-partner-102')).getByText(/a whole number from 0 to 10000/)).toBeTruthy();
    fireEvent.change(inputs, { target: { value: '1' } });
    fireEvent.submit(inputs.closest('form') as HTMLFormElement);
    await waitFor(() =>
      expect(bridge.calls.filter((c) => c.name === 'sandbox.updatePartner').at(-1)?.payload).toEqual({
        partnerId: 102,
        maxLiveStreamInputs: 1,
      }),
    );
  });
});

describe('EventsScreen', () => {
  it('filters the log by severity and entry, newest first', async () => {
    const { EventsScreen } = await import('../../../renderer/src/screens/Events.js');
    const { makeEvent } = await import('./fixtures.js');
    renderWith(<EventsScreen />, {}, (s) =>
      applySnapshot(
        s,
        makeSnapshot({
          entries: [makeEntry({ entryId: '0_aaaaaaaa', name: 'A' }), makeEntry({ entryId: '0_bbbbbbbb', name: 'B' })],
          events: [
            makeEvent(1, { entryId: '0_aaaaaaaa', severity: 'info' }),
            makeEvent(2, { entryId: '0_bbbbbbbb', severity: 'error' }),
            makeEvent(3, { entryId: '0_aaaaaaaa', severity: 'error' }),
          ],
        }),
      ),
    );
    const ids = () => screen.getAllByTestId(/^event-\d+$/).map((e) => e.dataset.testid);
    expect(ids()).toEqual(['event-3', 'event-2', 'event-1']);
    fireEvent.change(screen.getByTestId('events-filter-severity'), { target: { value: 'error' } });
    expect(ids()).toEqual(['event-3', 'event-2']);
    fireEvent.change(screen.getByTestId('events-filter-entry'), { target: { value: '0_bbbbbbbb' } });
    expect(ids()).toEqual(['event-2']);
  });
});
