// Owns the renderer bench: Debian's Chromium (headless, via playwright-core) on the station's HTTP UI,
// measuring in the page with performance.now: WebSocket message receipt -> the next DOM mutation (a
// MutationObserver), and requestAnimationFrame deltas while the live entries update.
import { chromium } from 'playwright-core';
import { summarize, type Summary } from './stats.js';

export interface RendererResult {
  rows: number;
  /** state.* events received over the window */
  events: number;
  eventToDomMs: Summary;
  frameMs: Summary;
  frameP95Ms: number;
  note: string | null;
}

interface PageSamples {
  messages: Array<{ atMs: number; name: string }>;
  mutations: number[];
  frames: number[];
}

// Page code is plain JavaScript text: the node type-check project has no DOM types.
/** Runs before the app: records message receipt (the first listener on every WebSocket) and DOM mutations. */
const INSTRUMENT = `
(() => {
  const samples = { messages: [], mutations: [], frames: [] };
  window.__kliveBench = samples;
  const Native = window.WebSocket;
  class Timed extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (ev) => {
        const at = performance.now();
        try {
          const msg = JSON.parse(String(ev.data));
          if (msg && msg.type === 'event' && typeof msg.name === 'string') samples.messages.push({ atMs: at, name: msg.name });
        } catch {}
      });
    }
  }
  window.WebSocket = Timed;
  const start = () => new MutationObserver(() => samples.mutations.push(performance.now()))
    .observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
})();
`;

const START_FRAMES = `
(() => {
  const s = window.__kliveBench;
  s.messages.length = 0;
  s.mutations.length = 0;
  let last = performance.now();
  const tick = (t) => { s.frames.push(t - last); last = t; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()
`;

const ROW_COUNT = `document.querySelectorAll('[data-testid^="entry-row-"]').length`;

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function benchRenderer(
  httpUrl: string,
  windowSeconds: number,
  expectedRows: number,
): Promise<RendererResult> {
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
    headless: true,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript({ content: INSTRUMENT });
    await page.goto(httpUrl, { waitUntil: 'load' });
    let rows = 0;
    let note: string | null = null;
    try {
      await page.waitForSelector('[data-testid="entries-table"]', { timeout: 15_000 });
      await page.waitForFunction(`${ROW_COUNT} >= ${expectedRows}`, undefined, { timeout: 20_000 });
    } catch {
      note = `the live list did not show ${expectedRows} rows within 20 s; measured what the page rendered`;
    }
    rows = Number(await page.evaluate(ROW_COUNT));
    await page.evaluate(START_FRAMES);
    await page.waitForTimeout(windowSeconds * 1000);
    const samples = (await page.evaluate('window.__kliveBench')) as PageSamples;
    const latencies: number[] = [];
    for (const m of samples.messages) {
      if (!m.name.startsWith('state.') || m.name === 'state.event') continue;
      const next = samples.mutations.find((t) => t >= m.atMs);
      // React commits a store update within a frame or two; a mutation later than 100 ms belongs to something
      // else (the 1 s uptime clock), and an event that changed nothing visible has no DOM update to time
      if (next !== undefined && next - m.atMs <= 100) latencies.push(next - m.atMs);
    }
    const frames = samples.frames.slice(1).sort((a, b) => a - b);
    const p95 =
      frames.length > 0
        ? (frames[Math.min(frames.length - 1, Math.floor(frames.length * 0.95))] as number)
        : Number.NaN;
    if (!note && latencies.length === 0) note = 'no state.* event was followed by a DOM update within 100 ms';
    return {
      rows,
      events: samples.messages.length,
      eventToDomMs: summarize(latencies),
      frameMs: summarize(frames),
      frameP95Ms: p95,
      note,
    };
  } finally {
    await browser.close();
  }
}
