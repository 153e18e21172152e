// Owns opening the sandbox's files at start: secrets.json (owner-only, one admin secret per partner) and
// state.json, seeded on first run (partners, profiles, the rehearsal entry, this machine's -5 media server
// node); an unreadable file is set aside and reported, never overwritten.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildEntry, randomHex, seedState } from './entry-factory.js';
import { loadJson, writeJsonAtomic, type CorruptFileReport } from './persist.js';
import { seedMediaServerNode } from './server-nodes.js';
import {
  MEDIA_SERVER_PARTNER_ID,
  SECOND_PARTNER_ID,
  SEED_ENTRY_ID,
  SEED_ENTRY_TOKEN,
  SEED_PARTNER_ID,
  SandboxStateSchema,
  SecretsSchema,
  type SandboxSecrets,
  type SandboxState,
} from './types.js';

export function openSandboxFiles(
  dir: string,
  now: () => number,
  onCorrupt: (report: CorruptFileReport) => void,
): { state: SandboxState; secrets: SandboxSecrets } {
  const statePath = path.join(dir, 'state.json');
  const secretsPath = path.join(dir, 'secrets.json');
  let secrets: SandboxSecrets;
  const loadedSecrets = loadJson(secretsPath, SecretsSchema, now());
  if (loadedSecrets.kind === 'ok') {
    // a copied or restored file may have lost its mode: secrets stay owner-only
    fs.chmodSync(secretsPath, 0o600);
    secrets = loadedSecrets.value;
  } else {
    if (loadedSecrets.kind === 'corrupt') onCorrupt(loadedSecrets.report);
    secrets = {
      adminSecrets: { [String(SEED_PARTNER_ID)]: randomHex(16), [String(MEDIA_SERVER_PARTNER_ID)]: randomHex(16) },
    };
    writeJsonAtomic(secretsPath, secrets, 0o600);
  }
  const loadedState = loadJson(statePath, SandboxStateSchema, now());
  if (loadedState.kind === 'ok') {
    const state = loadedState.value;
    // state files seeded before the producer login had a second partner get it now (its secret too)
    if (!state.partners.some((p) => p.id === SECOND_PARTNER_ID)) {
      const second = seedState(Math.floor(now() / 1000)).partners.find((p) => p.id === SECOND_PARTNER_ID);
      if (second) state.partners.push(second);
      writeJsonAtomic(statePath, state);
    }
    if (!secrets.adminSecrets[String(SECOND_PARTNER_ID)]) {
      secrets.adminSecrets[String(SECOND_PARTNER_ID)] = randomHex(16);
      writeJsonAtomic(secretsPath, secrets, 0o600);
    }
    return { state, secrets };
  }
  if (loadedState.kind === 'corrupt') onCorrupt(loadedState.report);
  const nowSeconds = Math.floor(now() / 1000);
  const state = seedState(nowSeconds);
  // partner -5 is Kaltura's own media server: in SaaS/on-prem mode its nodes are registered by Kaltura's
  // operators, so the seed has this machine registered there (an eCDN partner's station registers itself)
  state.serverNodes.push(seedMediaServerNode(os.hostname(), state.nextSeq++, nowSeconds));
  for (const p of state.partners)
    if (!secrets.adminSecrets[String(p.id)]) secrets.adminSecrets[String(p.id)] = randomHex(16);
  writeJsonAtomic(secretsPath, secrets, 0o600);
  state.entries.push(
    buildEntry(
      {
        partnerId: SEED_PARTNER_ID,
        name: 'Rehearsal stream',
        id: SEED_ENTRY_ID,
        streamPassword: SEED_ENTRY_TOKEN,
        dvr: true,
      },
      state,
      now(),
    ),
  );
  writeJsonAtomic(statePath, state);
  return { state, secrets };
}
