// Proves the scenario field realClients: what a file gives is kept, what it leaves out is drawn from the seed within the run, bad references are refused by field, and a finding may come from a real client program.
import { describe, expect, it } from 'vitest';
import { ScenarioError, loadScenario, parseScenarioText } from '../../scenarios/loader.ts';
import { resolveScenario } from '../../scenarios/resolve.ts';
import { pickEditTarget, syncServer } from '../../sim/realClients.ts';
import { Rng } from '../../sim/rng.ts';
import type { ReplicaServer } from '../../sim/replicaServer.ts';

const load = (text: string) => parseScenarioText(text, 'r.yaml');
const BASE = 'servers: [A, B]\ndurationMs: 20000\n';

function refusal(text: string): string {
  try {
    load(text);
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
  return '';
}

describe('realClients in a scenario', () => {
  it('keeps what the file gives, sorted in time', () => {
    const config = resolveScenario(load(`${BASE}realClients:\n  - {kind: mbsync, server: B, syncAtMs: [9000, 1000], edits: [{at: 5000, action: delete}, {at: 2000, action: flag}]}\n`), 1);
    expect(config.realClients).toEqual([{ kind: 'mbsync', server: 'B', near: 'B', syncAtMs: [1000, 9000], edits: [{ atMs: 2000, action: 'flag' }, { atMs: 5000, action: 'delete' }] }]);
  });

  it('draws the server, syncs and edits from the seed, inside the run, edits after the first sync', () => {
    const loaded = load(`${BASE}realClients:\n  - {kind: offlineimap}\n`);
    for (const seed of [1, 2, 3, 4]) {
      const client = resolveScenario(loaded, seed).realClients?.[0];
      expect(client).toEqual(resolveScenario(loaded, seed).realClients?.[0]);
      expect(['A', 'B']).toContain(client?.server);
      expect(client?.syncAtMs.length).toBeGreaterThanOrEqual(1);
      for (const atMs of client?.syncAtMs ?? []) expect(atMs).toBeLessThan(20000);
      for (const edit of client?.edits ?? []) expect(edit.atMs).toBeGreaterThan(client?.syncAtMs[0] ?? 0);
    }
    expect(resolveScenario(load(BASE), 1).realClients).toBeUndefined();
  });

  it('refuses an unknown server, a sync after the run, Cyrus and an unknown program, and takes real Dovecot', () => {
    expect(refusal(`${BASE}realClients:\n  - {kind: mbsync, server: C}\n`)).toContain('unknown server');
    expect(refusal(`${BASE}realClients:\n  - {kind: mbsync, syncAtMs: [25000]}\n`)).toContain('not before durationMs');
    expect(refusal(`${BASE}replica: cyrus\nrealClients:\n  - {kind: mbsync}\n`)).toContain('not cyrus: Cyrus keeps no Maildir');
    expect(refusal(`${BASE}replica: dsync\nrealClients:\n  - {kind: mbsync}\n`)).toBe('');
    expect(refusal(`${BASE}replica: dsync-plain\nrealClients:\n  - {kind: mbsync}\n`)).toBe('');
    expect(refusal(`${BASE}realClients:\n  - {kind: thunderbird}\n`)).toContain('realClients');
  });

  it('the two-site measurement file runs either program for both users, as cli/measureClients.sh sets it', async () => {
    const kinds = async (overrides: string[]) => resolveScenario(await loadScenario('scenarios/real-clients-two-sites.yaml', overrides), 1).realClients?.map((c) => c.kind);
    expect(await kinds([])).toEqual(['mbsync', 'mbsync']);
    expect(await kinds(['realClients.0.kind=offlineimap', 'realClients.1.kind=offlineimap'])).toEqual(['offlineimap', 'offlineimap']);
  });

  it('accepts a finding from a real client program, and still refuses one from mailsim\'s own strategies', () => {
    const finding = 'finding: {summary: s, checks: [real-clients]}\n';
    expect(refusal(`${BASE}expect: invalid\n${finding}realClients:\n  - {kind: offlineimap}\n`)).toBe('');
    expect(refusal(`${BASE}expect: invalid\n${finding}`)).toContain('a finding needs');
  });
});

describe('real client scheduling', () => {
  it('picks a message the edit changes and that was not edited since the last sync', () => {
    const local = [
      { messageId: '<a>', flags: ['\\Seen'] },
      { messageId: '<b>', flags: [] },
      { messageId: '<c>', flags: [] },
    ];
    expect(pickEditTarget(local, 'seen', new Set(['<b>']), Rng.root(1))).toBe('<c>');
    expect(pickEditTarget(local, 'flag', new Set(['<a>', '<b>', '<c>']), Rng.root(1))).toBeNull();
    expect(['<a>', '<b>', '<c>']).toContain(pickEditTarget(local, 'delete', new Set(), Rng.root(1)));
  });

  const server = (name: string, up: boolean, paused = false) => ({ name, up, paused }) as unknown as ReplicaServer;
  const everywhere = () => true;

  it('fails over to the next server that is up and running', () => {
    expect(syncServer([server('A', false), server('B', true)], { server: 'A', near: 'A' }, everywhere)?.name).toBe('B');
    expect(syncServer([server('A', true), server('B', true, true)], { server: 'B', near: 'B' }, everywhere)?.name).toBe('A');
    expect(syncServer([server('A', false)], { server: 'A', near: 'A' }, everywhere)).toBeNull();
  });

  it('fails over when a partition cuts it off from its server, and keeps its server when nothing does', () => {
    const servers = [server('A', true), server('B', true), server('C', true)];
    // A partition [A] | [B, C]: a client beside B reaches B and C only.
    const split = (from: string, to: string) => (from === 'A') === (to === 'A');
    expect(syncServer(servers, { server: 'A', near: 'B' }, split)?.name).toBe('B');
    expect(syncServer(servers, { server: 'A', near: 'A' }, split)?.name).toBe('A');
    expect(syncServer(servers, { server: 'A', near: 'B' }, everywhere)?.name).toBe('A');
    expect(syncServer([server('A', true), server('B', false)], { server: 'A', near: 'B' }, split)).toBeNull();
  });

  it('reads near from the file, refuses an unknown one, and puts the client beside its own server by default', () => {
    const config = resolveScenario(load(`${BASE}realClients:\n  - {kind: mbsync, server: A, near: B}\n  - {kind: mbsync, server: A}\n`), 1);
    expect(config.realClients?.map((c) => c.near)).toEqual(['B', 'A']);
    expect(refusal(`${BASE}realClients:\n  - {kind: mbsync, near: C}\n`)).toContain('unknown server');
  });
});
