// Proves that every kind of bad scenario file is refused with a ScenarioError naming the file, the field path and the line.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenarioText, ScenarioError } from '../../scenarios/loader.ts';
import { expectationFor, findingFor } from '../../sim/expectation.ts';

function refusal(text: string, overrides: readonly string[] = [], file = 'bad.yaml'): ScenarioError {
  try {
    parseScenarioText(text, file, overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return error as ScenarioError;
  }
  throw new Error(`expected a ScenarioError for:\n${text}`);
}

async function fileRefusal(file: string): Promise<ScenarioError> {
  const error = await loadScenario(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScenarioError);
  return error as ScenarioError;
}

const GOOD = `# a good file
name: good
servers: [a, b, c]
strategy: renumber
durationMs: 60000
faults:
  - at: 1000
    partition: [[a, b], [c]]
  - at: 5000
    heal: true
`;

describe('parseScenarioText', () => {
  it('accepts a good file and keeps it as written (no defaults filled in)', () => {
    const loaded = parseScenarioText(GOOD, 'good.yaml');
    expect(loaded.file).toBe('good.yaml');
    expect(loaded.scenario).toEqual({
      name: 'good',
      servers: ['a', 'b', 'c'],
      strategy: 'renumber',
      durationMs: 60000,
      faults: [
        { at: 1000, partition: [['a', 'b'], ['c']] },
        { at: 5000, heal: true },
      ],
    });
    expect(loaded.overrides).toEqual([]);
  });

  it('accepts JSON', () => {
    const loaded = parseScenarioText('{"servers": 3, "network": {"loss": 0.1}}', 'x.json');
    expect(loaded.scenario).toEqual({ servers: 3, network: { loss: 0.1 } });
  });

  it('reports a YAML syntax error with its line', () => {
    const e = refusal('name: x\nservers: [a, b\nstrategy: renumber\n');
    expect(e.data.file).toBe('bad.yaml');
    expect(e.data.reason).toMatch(/YAML syntax error/);
    expect(e.data.line).toBeGreaterThanOrEqual(2);
    expect(e.message).toMatch(/^bad\.yaml:\d+: YAML syntax error/);
  });

  it('reports a duplicated key as a syntax error', () => {
    const e = refusal('name: x\nname: y\n');
    expect(e.data.line).toBe(2);
  });

  it('reports an unknown field with its path and line (strict objects)', () => {
    const e = refusal('servers: 2\nnetwork:\n  loss: 0.1\n  jitter: 5\n');
    expect(e.data).toEqual({ file: 'bad.yaml', path: 'network.jitter', line: 4, reason: 'unknown field' });
    expect(e.message).toBe('bad.yaml:4: network.jitter: unknown field');
  });

  it('reports an unknown top-level field and an unknown fault field', () => {
    const e = refusal('servers: [a, b]\nfaults:\n  - at: 10\n    crash: a\n    reason: oops\nstrategie: renumber\n');
    expect(e.issues.map((i) => [i.path, i.line])).toEqual([
      ['faults.0.reason', 5],
      ['strategie', 6],
    ]);
  });

  it('reports a wrong type', () => {
    const e = refusal('servers: 2\ndurationMs: soon\n');
    expect(e.data.path).toBe('durationMs');
    expect(e.data.line).toBe(2);
    expect(e.data.reason).toMatch(/expected number, received string/);
  });

  it('reports a wrong type inside a union (servers is a count or a list)', () => {
    const e = refusal('servers: three\n');
    expect(e.data).toMatchObject({ path: 'servers', line: 1 });
    expect(e.data.reason).toMatch(/expected number or array/);
  });

  it('reports an unknown strategy naming the known ones', () => {
    const e = refusal('name: x\nstrategy: optimistic\n');
    expect(e.data).toMatchObject({ path: 'strategy', line: 2 });
    expect(e.data.reason).toMatch(/renumber/);
  });

  it('reports out-of-range numbers', () => {
    expect(refusal('network:\n  loss: 1.5\n').data).toMatchObject({ path: 'network.loss', line: 2 });
    expect(refusal('servers: 17\n').data).toMatchObject({ path: 'servers', line: 1 });
    expect(refusal('servers: 0\n').data).toMatchObject({ path: 'servers', line: 1 });
    expect(refusal('workload:\n  smtpClients: -1\n').data).toMatchObject({ path: 'workload.smtpClients', line: 2 });
    expect(refusal('workload:\n  smtpClients: 1.5\n').data).toMatchObject({ path: 'workload.smtpClients', line: 2 });
    expect(refusal('mailboxes:\n  - name: INBOX\n    messages: 100001\n').data).toMatchObject({ path: 'mailboxes.0.messages', line: 3 });
  });

  it('reports a missing required field inside a record', () => {
    const e = refusal('network:\n  latencyMs: {min: 5}\n');
    expect(e.data.path).toBe('network.latencyMs.max');
    expect(e.data.line).toBe(2);
    expect(e.data.reason).toBe('required field is missing');
  });

  it('reports a fault that names an unknown server, with its line', () => {
    const e = refusal('servers: [a, b]\nfaults:\n  - at: 10\n    partition: [[a], [b]]\n  - at: 20\n    crash: c\n');
    expect(e.data).toEqual({ file: 'bad.yaml', path: 'faults.1.crash', line: 6, reason: 'unknown server "c"; servers are a, b' });
  });

  it('reports unknown servers in every fault kind, clocks, owners and script', () => {
    const text = `servers: 2
faults:
  - {at: 1, partition: [[n1], [x1]]}
  - {at: 2, oneWay: {from: n1, to: x2}}
  - {at: 3, bridge: {groups: [[n1], [n2]], via: x3}}
  - {at: 4, restart: x4}
  - {at: 5, skew: {node: x5, offsetMs: 10}}
  - {at: 6, jump: {node: x6, deltaMs: -10}}
clocks:
  x7: {offsetMs: 5}
mailboxes:
  - {name: INBOX, owner: x8}
script:
  - {at: 7, node: x9, deliver: {}}
`;
    const paths = refusal(text).issues.map((i) => `${i.path}@${i.line}`);
    expect(paths).toEqual([
      'faults.0.partition.1.0@3',
      'faults.1.oneWay.to@4',
      'faults.2.bridge.via@5',
      'faults.3.restart@6',
      'faults.4.skew.node@7',
      'faults.5.jump.node@8',
      'clocks.x7@10',
      'mailboxes.0.owner@12',
      'script.0.node@14',
    ]);
  });

  it('refuses a script DELETE of INBOX or of a mailbox the file does not have', () => {
    const head = 'servers: [A]\nmailboxes:\n  - {name: INBOX}\n  - {name: Archive}\nscript:\n';
    expect(refusal(`${head}  - {at: 7, node: A, delete: {mailbox: INBOX}}\n`).data).toMatchObject({ path: 'script.0.delete.mailbox', line: 6, reason: 'INBOX cannot be deleted' });
    expect(refusal(`${head}  - {at: 7, node: A, delete: {mailbox: Trash}}\n`).data).toMatchObject({ path: 'script.0.delete.mailbox', line: 6 });
  });

  it('refuses server names in faults when the server list is left to the draw', () => {
    const e = refusal('faults:\n  - at: 10\n    crash: n1\n');
    expect(e.data).toMatchObject({ path: 'faults.0.crash', line: 3 });
    expect(e.data.reason).toMatch(/servers. is not given/);
  });

  it('refuses a fault with no kind or two kinds, and a fault after the duration', () => {
    expect(refusal('servers: 2\nfaults:\n  - at: 10\n').data).toMatchObject({ path: 'faults.0', line: 3 });
    const two = refusal('servers: 2\nfaults:\n  - at: 10\n    crash: n1\n    restart: n1\n');
    expect(two.data.reason).toMatch(/more than one kind: crash, restart/);
    expect(refusal('servers: 2\ndurationMs: 100\nfaults:\n  - at: 100\n    heal: true\n').data).toMatchObject({ path: 'faults.0.at', line: 4 });
  });

  it('refuses a fanout width it does not offer and a fanout deeper than the GUID hash key', () => {
    expect(refusal('layout:\n  kind: fanout\n  width: 100\n').data).toMatchObject({ path: 'layout.width', line: 3 });
    expect(refusal('layout:\n  kind: fanout\n  width: 8\n').data).toMatchObject({ path: 'layout.width', line: 3 });
    expect(refusal('layout:\n  kind: fanout\n  width: 4\n  depth: 17\n').data).toMatchObject({ path: 'layout.depth', line: 4 });
    expect(refusal('layout:\n  kind: fanout\n  width: 65536\n  depth: 3\n').data).toMatchObject({ path: 'layout.depth', line: 4 });
    expect(refusal('layout: spiral\n').data).toMatchObject({ path: 'layout', line: 1 });
    expect(refusal('layout: {kind: spiral}\n').data).toMatchObject({ path: 'layout.kind', line: 1, reason: 'expected "flat" or "flags-apart" or "fanout"' });
  });

  it('refuses min above max, duplicate servers, duplicate mailboxes, and mailboxes without INBOX', () => {
    expect(refusal('workload:\n  messageSizeBytes: {min: 10, max: 5}\n').data.path).toBe('workload.messageSizeBytes.max');
    expect(refusal('servers: [a, a]\n').data).toMatchObject({ path: 'servers.1', line: 1 });
    expect(refusal('mailboxes:\n  - name: INBOX\n  - name: INBOX\n').data).toMatchObject({ path: 'mailboxes.1.name', line: 3 });
    expect(refusal('mailboxes:\n  - name: Archive\n').data).toMatchObject({ path: 'mailboxes', line: 1 });
  });

  it('refuses an empty file and a file of only comments', () => {
    expect(refusal('').data).toMatchObject({ file: 'bad.yaml', path: '', reason: expect.stringMatching(/empty/) });
    expect(refusal('   \n\n').data.reason).toMatch(/empty/);
    expect(refusal('# nothing here\n').data.reason).toMatch(/top level must be a mapping/);
  });

  it('refuses a top level that is not a mapping', () => {
    expect(refusal('- a\n- b\n').data.reason).toMatch(/got a list/);
    expect(refusal('42\n').data.reason).toMatch(/got a number/);
  });

  it('refuses text with NUL bytes as binary', () => {
    expect(refusal('name: x\u0000\n').data.reason).toMatch(/binary/);
  });

  it('bounds YAML alias expansion', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) bomb.push(`${'b'.repeat(i + 1)}: &${'b'.repeat(i + 1)} [${Array(10).fill(i === 0 ? '*a' : `*${'b'.repeat(i)}`).join(', ')}]`);
    expect(refusal(`${bomb.join('\n')}\n`).data.reason).toMatch(/YAML cannot be read: Excessive alias count/);
  });
});

describe('--set overrides', () => {
  it('applies overrides parsed as YAML scalars and records them', () => {
    const loaded = parseScenarioText(GOOD, 'good.yaml', ['strategy=keep-uids', 'network.loss=0.05', 'nemesis=false', 'servers=[a, b, c]']);
    expect(loaded.scenario.strategy).toBe('keep-uids');
    expect(loaded.scenario.network).toEqual({ loss: 0.05 });
    expect(loaded.scenario.nemesis).toBe(false);
    expect(loaded.overrides).toEqual(['strategy=keep-uids', 'network.loss=0.05', 'nemesis=false', 'servers=[a, b, c]']);
  });

  it('sets a field inside a list by index', () => {
    const loaded = parseScenarioText(GOOD, 'good.yaml', ['faults.1.at=6000']);
    expect(loaded.scenario.faults?.[1]).toEqual({ at: 6000, heal: true });
  });

  it('removes a field when the value is empty or null (it is drawn again)', () => {
    const loaded = parseScenarioText(GOOD, 'good.yaml', ['strategy=', 'durationMs=null']);
    expect(loaded.scenario.strategy).toBeUndefined();
    expect(loaded.scenario.durationMs).toBeUndefined();
  });

  it('validates overrides like the file, naming the override', () => {
    const e = refusal(GOOD, ['network.loss=abc'], 'good.yaml');
    expect(e.data.file).toBe('good.yaml');
    expect(e.data.path).toBe('network.loss');
    expect(e.data.line).toBeUndefined();
    expect(e.data.reason).toMatch(/\(from --set network\.loss=abc\)$/);
    expect(refusal(GOOD, ['strategy=best'], 'good.yaml').data.reason).toMatch(/from --set strategy=best/);
    expect(refusal(GOOD, ['network.jitter=3'], 'good.yaml').data).toMatchObject({ path: 'network.jitter', reason: 'unknown field (from --set network.jitter=3)' });
  });

  it('an override that breaks a cross-field rule is reported', () => {
    const e = refusal(GOOD, ['servers=[a, b]'], 'good.yaml');
    expect(e.data).toMatchObject({ path: 'faults.0.partition.1.0', line: 8 });
  });

  it('refuses malformed overrides', () => {
    expect(refusal(GOOD, ['strategy'], 'good.yaml').data.reason).toMatch(/--set strategy: expected PATH=VALUE/);
    expect(refusal(GOOD, ['=5'], 'good.yaml').data.reason).toMatch(/expected PATH=VALUE/);
    expect(refusal(GOOD, ['__proto__.x=1'], 'good.yaml').data.reason).toMatch(/bad field path/);
    expect(refusal(GOOD, ['name.first=x'], 'good.yaml').data.reason).toMatch(/name is not a mapping/);
    expect(refusal(GOOD, ['faults.9.at=1'], 'good.yaml').data.reason).toMatch(/not an index/);
    expect(refusal(GOOD, ['name=[unclosed'], 'good.yaml').data.reason).toMatch(/VALUE is not YAML/);
  });
});

describe('loadScenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailsim-loader-'));

  it('reads a file from disk', async () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(file, GOOD);
    const loaded = await loadScenario(file, ['servers=[a, b, c]']);
    expect(loaded.file).toBe(file);
    expect(loaded.scenario.name).toBe('good');
  });

  it('names the file in a validation error', async () => {
    const file = join(dir, 'wrong.yaml');
    writeFileSync(file, 'servers: 2\nnetwork:\n  loss: 7\n');
    const e = await fileRefusal(file);
    expect(e.data).toMatchObject({ file, path: 'network.loss', line: 3 });
    expect(e.message.startsWith(`${file}:3: network.loss:`)).toBe(true);
  });

  it('refuses a missing file', async () => {
    const file = join(dir, 'absent.yaml');
    expect((await fileRefusal(file)).data).toEqual({ file, path: '', reason: 'no such file' });
  });

  it('refuses a directory given as a file', async () => {
    const sub = join(dir, 'adir.yaml');
    mkdirSync(sub);
    expect((await fileRefusal(sub)).data).toMatchObject({ file: sub, reason: expect.stringMatching(/is a directory/) });
  });

  it('refuses an empty file', async () => {
    const file = join(dir, 'empty.yaml');
    writeFileSync(file, '');
    expect((await fileRefusal(file)).data).toMatchObject({ file, reason: expect.stringMatching(/empty/) });
  });

  it('refuses binary files: NUL bytes, and bytes that are not UTF-8', async () => {
    const nul = join(dir, 'nul.yaml');
    writeFileSync(nul, Buffer.from([0x6e, 0x3a, 0x00, 0x01, 0x02]));
    expect((await fileRefusal(nul)).data.reason).toMatch(/binary/);
    const latin = join(dir, 'latin.yaml');
    writeFileSync(latin, Buffer.from([0x6e, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    expect((await fileRefusal(latin)).data.reason).toMatch(/binary/);
  });
});

describe('expect per backend and findings', () => {
  const base = 'servers: [a, b]\ncompareReplicas: [git, dsync]\n';
  it('takes a verdict per backend the file runs, with a finding on a real one', () => {
    const loaded = parseScenarioText(`${base}expect: {git: valid, dsync: invalid}\nfinding: {summary: lost, checks: [no-lost-flags], seeds: [1]}\n`, 'ok.yaml');
    expect(findingFor(loaded.scenario.finding, 'dsync')?.checks).toEqual(['no-lost-flags']);
  });
  it('takes one finding per real backend, each with its own checks and seeds', () => {
    const text = `servers: [a, b]\ncompareReplicas: [git, dsync, cyrus]\nexpect: {dsync: invalid, cyrus: invalid}\nfinding:\n  dsync: {summary: lost, checks: [no-lost-flags], seeds: [12]}\n  cyrus: {summary: twice, checks: [no-duplicates]}\n`;
    const loaded = parseScenarioText(text, 'ok.yaml');
    expect(expectationFor(loaded.scenario.expect, loaded.scenario.finding, 'dsync', 11)).toEqual({ expect: 'valid' });
    expect(expectationFor(loaded.scenario.expect, loaded.scenario.finding, 'dsync', 12).finding?.checks).toEqual(['no-lost-flags']);
    expect(expectationFor(loaded.scenario.expect, loaded.scenario.finding, 'cyrus', 11).finding?.checks).toEqual(['no-duplicates']);
    expect(expectationFor(loaded.scenario.expect, loaded.scenario.finding, 'git', 12)).toEqual({ expect: 'valid' });
  });
  it('refuses a per-backend finding for a backend the file does not expect invalid', () => {
    const text = `servers: [a, b]\ncompareReplicas: [git, dsync, cyrus]\nexpect: {dsync: invalid}\nfinding:\n  cyrus: {summary: twice, checks: [no-duplicates]}\n`;
    expect(refusal(text).message).toContain('finding.cyrus');
  });
  it('refuses a verdict for a backend that does not exist', () => {
    expect(refusal('servers: [a, b]\nexpect: {exchange: invalid}\n').message).toContain('expect');
  });
  it('refuses a finding without an invalid expectation on a real backend', () => {
    expect(refusal(`${base}expect: invalid\nfinding: {summary: x, checks: [uid-stable]}\n`).message).toContain('finding');
    expect(refusal(`${base}expect: {git: invalid}\nfinding: {summary: x, checks: [uid-stable]}\n`).message).toContain('finding');
    expect(refusal(`${base}expect: {dsync: invalid}\nfinding: {summary: x, checks: [not-a-check]}\n`).message).toContain('finding.checks');
  });
});
