// Renders the kLive Station icons from the geometry of icon.svg, with no network and no native tools:
// shapes are sampled in code (4x4 supersampling), PNGs are encoded with zlib, and .ico/.icns are
// written as their simple containers of PNGs. Also writes the tray images as data URLs into
// main/electron/tray-icons.ts. Run: node build/icons/generate-icons.mjs (outputs are committed).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

const hex = (h, a = 1) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), a];
const lerp = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

// Geometry in the 512-unit space of icon.svg. Each layer: inside(x, y) -> bool, color(x, y) -> [r,g,b,a].
const inRoundRect = (x, y, x0, y0, w, h, r) => {
  const cx = Math.min(Math.max(x, x0 + r), x0 + w - r);
  const cy = Math.min(Math.max(y, y0 + r), y0 + h - r);
  return x >= x0 && x <= x0 + w && y >= y0 && y <= y0 + h && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const inCircle = (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const inRing = (x, y, cx, cy, r, width) => {
  const d = Math.hypot(x - cx, y - cy);
  return d >= r - width / 2 && d <= r + width / 2;
};
const inTriangle = (x, y, [ax, ay], [bx, by], [cx, cy]) => {
  const s = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
  const d1 = s(x, y, ax, ay, bx, by);
  const d2 = s(x, y, bx, by, cx, cy);
  const d3 = s(x, y, cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};

const BG_TOP = hex('#24407a');
const BG_BOTTOM = hex('#0c1424');
const appLayers = [
  {
    inside: (x, y) => inRoundRect(x, y, 16, 16, 480, 480, 108),
    color: (x, y) => lerp(BG_TOP, BG_BOTTOM, Math.min(1, Math.max(0, (x + y - 32) / 960))),
  },
  { inside: (x, y) => inRing(x, y, 240, 276, 150, 20), color: () => hex('#ffffff', 0.18) },
  { inside: (x, y) => inTriangle(x, y, [190, 176], [190, 376], [364, 276]), color: () => hex('#ffffff') },
  { inside: (x, y) => inCircle(x, y, 392, 120, 78), color: () => hex('#0c1424') },
  { inside: (x, y) => inCircle(x, y, 392, 120, 58), color: () => hex('#ff3b30') },
];

// Tray: a disc (grey when idle, red when live) with the white play triangle; legible at 16 px.
const trayLayers = (disc) => [
  { inside: (x, y) => inCircle(x, y, 256, 256, 240), color: () => hex(disc) },
  { inside: (x, y) => inTriangle(x, y, [196, 136], [196, 376], [396, 256]), color: () => hex('#ffffff') },
];

function render(layers, size) {
  const out = Buffer.alloc(size * size * 4);
  const n = 4;
  const scale = 512 / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) * scale;
          const y = (py + (sy + 0.5) / n) * scale;
          // composite this sample (premultiplied "over")
          let cr = 0,
            cg = 0,
            cb = 0,
            ca = 0;
          for (const layer of layers) {
            if (!layer.inside(x, y)) continue;
            const [lr, lg, lb, la] = layer.color(x, y);
            cr = lr * la + cr * (1 - la);
            cg = lg * la + cg * (1 - la);
            cb = lb * la + cb * (1 - la);
            ca = la + ca * (1 - la);
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const samples = n * n;
      const i = (py * size + px) * 4;
      const alpha = a / samples;
      out[i] = alpha > 0 ? Math.round(r / samples / alpha) : 0;
      out[i + 1] = alpha > 0 ? Math.round(g / samples / alpha) : 0;
      out[i + 2] = alpha > 0 ? Math.round(b / samples / alpha) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function encodePng(rgba, size) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(6, 9); // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** ICO with PNG-compressed entries (Windows Vista and later). */
function encodeIco(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...pngs.map((p) => p.png)]);
}

/** ICNS with PNG entries: icp4 16, icp5 32, icp6 64, ic07 128, ic08 256, ic09 512, ic10 1024. */
function encodeIcns(entries) {
  const parts = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

const pngDir = path.join(here, 'png');
fs.mkdirSync(pngDir, { recursive: true });
const pngs = new Map();
for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
  const png = encodePng(render(appLayers, size), size);
  pngs.set(size, png);
  if (size <= 512) fs.writeFileSync(path.join(pngDir, `${size}x${size}.png`), png);
}
fs.writeFileSync(path.join(here, 'icon.png'), pngs.get(512));
fs.writeFileSync(
  path.join(here, 'icon.ico'),
  encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: pngs.get(size) }))),
);
fs.writeFileSync(
  path.join(here, 'icon.icns'),
  encodeIcns(
    [
      ['icp4', 16],
      ['icp5', 32],
      ['icp6', 64],
      ['ic07', 128],
      ['ic08', 256],
      ['ic09', 512],
      ['ic10', 1024],
    ].map(([type, size]) => ({ type, png: pngs.get(size) })),
  ),
);

const dataUrl = (png) => `data:image/png;base64,${png.toString('base64')}`;
const tray = {};
for (const [variant, disc] of [
  ['idle', '#8a94a6'],
  ['live', '#ff3b30'],
]) {
  tray[variant] = {
    x1: dataUrl(encodePng(render(trayLayers(disc), 16), 16)),
    x2: dataUrl(encodePng(render(trayLayers(disc), 32), 32)),
  };
}
const trayModule = `// Generated by build/icons/generate-icons.mjs: the tray images (16 px and 32 px for 2x screens) as
// PNG data URLs, so the packaged app needs no image files outside app.asar. Do not edit by hand.
export const TRAY_ICONS = {
  idle: { x1: '${tray.idle.x1}', x2: '${tray.idle.x2}' },
  live: { x1: '${tray.live.x1}', x2: '${tray.live.x2}' },
} as const;
`;
fs.writeFileSync(path.join(root, 'main', 'electron', 'tray-icons.ts'), trayModule);
console.log('icons written to', here);
