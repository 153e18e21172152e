// Owns the floors of main/ (ARCHITECTURE.md "Floors inside main/"): a folder imports only folders on its own floor or
// below, never one above; the features (floor 2) do not import each other either: station/ wires them together through
// narrow interfaces. So the folders form no cycle, and each floor can be read without the ones above it.
import path from 'node:path';

/** main/<folder> -> floor. Top-level files count as their base name (cli.ts -> cli). */
export const FLOORS = {
  core: 0,
  log: 1,
  config: 1,
  media: 1,
  process: 1,
  ingest: 2,
  transcode: 2,
  recording: 2,
  kaltura: 2,
  sandbox: 2,
  http: 2,
  bridge: 2,
  obs: 2,
  station: 3,
  electron: 4,
  cli: 4,
};

/** The features' floor: its folders talk through narrow interfaces that station/ passes in, never by importing each other. */
export const FEATURE_FLOOR = 2;

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
    docs: {
      description: 'main/ folders import only their own floor or below, features never each other (main/README.md)',
    },
    schema: [],
    messages: {
      up: 'main/{{from}}/ (floor {{fromFloor}}) must not import main/{{to}}/ (floor {{toFloor}}): a folder imports only its own floor or below. Move what both need down (core/, media/, process/) or have station/ pass it in through a narrow interface.',
      feature:
        'main/{{from}}/ must not import main/{{to}}/: features (floor 2) do not import each other. Declare the narrow interface {{from}}/ needs in {{from}}/ (or move a shared type down to core/) and have station/ pass the implementation in.',
      unknown:
        'main/{{folder}}/ has no floor: add it to FLOORS in build/eslint/floors.js and to the table in main/README.md.',
    },
  },
  create(context) {
    const file = context.filename;
    const mainDir = path.join(context.cwd, 'main');
    const from = folderOf(mainDir, file);
    if (from === undefined) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = folderOf(mainDir, path.resolve(path.dirname(file), spec));
      if (to === undefined || to === from) return;
      if (!(from in FLOORS)) return context.report({ node, messageId: 'unknown', data: { folder: from } });
      if (!(to in FLOORS)) return context.report({ node, messageId: 'unknown', data: { folder: to } });
      if (FLOORS[to] < FLOORS[from]) return;
      if (FLOORS[to] === FLOORS[from] && FLOORS[to] < FEATURE_FLOOR) return;
      const data = { from, to, fromFloor: FLOORS[from], toFloor: FLOORS[to] };
      context.report({
        node,
        messageId: FLOORS[to] === FEATURE_FLOOR && FLOORS[from] === FEATURE_FLOOR ? 'feature' : 'up',
        data,
      });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
