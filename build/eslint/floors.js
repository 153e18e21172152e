// Owns the floors of main/: which folder may import which. A folder imports only folders on lower floors, never one on
// its own floor or above, so the folders form no cycle and the ground floor (core/) can be read alone.
import path from 'node:path';

/** main/<folder> -> floor. Top-level files count as their base name (cli.ts -> cli). */
export const FLOORS = {
  core: 0,
  log: 1,
  config: 1,
  media: 1,
  process: 2,
  kaltura: 2,
  obs: 2,
  ingest: 3,
  transcode: 3,
  recording: 3,
  sandbox: 3,
  http: 3,
  bridge: 4,
  station: 5,
  electron: 6,
  cli: 6,
};

function folderOf(mainDir, file) {
  const rel = path.relative(mainDir, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0] : parts[0].replace(/\.(ts|tsx|js)$/, '');
}

/** @type {import('eslint').Rule.RuleModule} */
export const floorsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'main/ folders import only folders on lower floors (see main/README.md)' },
    schema: [{ type: 'object', properties: { allow: { type: 'array', items: { type: 'string' } } } }],
    messages: {
      up: 'main/{{from}}/ (floor {{fromFloor}}) must not import main/{{to}}/ (floor {{toFloor}}): a folder imports only lower floors. Move what both need down (core/, media/, process/) or pass it in through a narrow interface.',
      unknown:
        'main/{{folder}}/ has no floor: add it to FLOORS in build/eslint/floors.js and to the table in main/README.md.',
    },
  },
  create(context) {
    const file = context.filename;
    const mainDir = path.join(context.cwd, 'main');
    const from = folderOf(mainDir, file);
    if (from === undefined) return {};
    const allow = new Set(context.options[0]?.allow ?? []);
    const relFile = path.relative(context.cwd, file).split(path.sep).join('/');
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = folderOf(mainDir, path.resolve(path.dirname(file), spec));
      if (to === undefined || to === from) return;
      if (!(from in FLOORS)) return context.report({ node, messageId: 'unknown', data: { folder: from } });
      if (!(to in FLOORS)) return context.report({ node, messageId: 'unknown', data: { folder: to } });
      if (FLOORS[to] < FLOORS[from]) return;
      if (allow.has(`${relFile} -> ${to}`)) return;
      context.report({ node, messageId: 'up', data: { from, to, fromFloor: FLOORS[from], toFloor: FLOORS[to] } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
