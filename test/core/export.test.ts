// Proves an exported replica is read by real tools: git fsck/log, Python's mailbox.Maildir, and Dovecot's imap serve the same UIDs and flags.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir, readFile } from 'node:fs/promises';
import * as nodeFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Volume } from 'memfs';
import { replicaFsFrom, type PromisesFsLike } from '../../core/fsTypes.ts';
import { Replica, type LayoutSpec } from '../../core/replica/replica.ts';
import { exportReplica } from '../../core/export.ts';
import { messagesByUid } from '../../core/messageMap.ts';
import type { StoreState } from '../../core/state.ts';
import { strategyByName } from '../../core/strategies/registry.ts';

const DOVECOT_IMAP = '/usr/lib/dovecot/imap';
const START_MS = 1_764_326_400_000;

function body(i: number): Uint8Array {
  return new TextEncoder().encode(`Message-ID: <m${i}@example.test>\r\nSubject: message ${i}\r\n\r\nbody ${i}\r\n`);
}

async function buildReplica(layout: LayoutSpec): Promise<{ replica: Replica; ops: number }> {
  let now = START_MS;
  const vol = new Volume();
  const replica = await Replica.create(
    { node: 'n1', fs: replicaFsFrom(vol.promises as unknown as PromisesFsLike), dir: '/repo', layout, strategy: strategyByName('renumber'), clock: () => (now += 1500) },
    [{ name: 'INBOX', uidValidity: 1000, messages: [0, 1, 2].map((i) => ({ body: body(i), flags: i === 1 ? ['\\Seen'] : [] })) }],
  );
  let ops = 0;
  await replica.createMailbox('Archive'); ops++;
  await replica.createMailbox('Archive.2026'); ops++;
  await replica.deliver('INBOX', body(10)); ops++;
  await replica.append('INBOX', body(11), ['\\Draft', '$Junk']); ops++;
  await replica.store('INBOX', [1, 4], '+', ['\\Flagged', '\\Answered']); ops++;
  await replica.store('INBOX', [2], '-', ['\\Seen']); ops++;
  await replica.move('INBOX', [3], 'Archive'); ops++;
  await replica.copy('INBOX', [5], 'Archive.2026'); ops++;
  await replica.store('INBOX', [1], '+', ['\\Deleted']); ops++;
  await replica.expunge('INBOX', [1]); ops++;
  await replica.deliver('INBOX', body(12)); ops++;
  return { replica, ops };
}

/** Expected (uidvalidity, uidnext, uid -> sorted IMAP flags) per mailbox. */
function expected(state: StoreState): Map<string, { uidValidity: number; uidNext: number; flags: Map<number, string[]> }> {
  const out = new Map<string, { uidValidity: number; uidNext: number; flags: Map<number, string[]> }>();
  for (const mailbox of state.mailboxes.values()) {
    const flags = new Map<number, string[]>();
    for (const m of messagesByUid(mailbox.messages)) if (m.uid > 0) flags.set(m.uid, [...m.flags].sort());
    out.set(mailbox.name, { uidValidity: mailbox.uidValidity, uidNext: mailbox.uidNext, flags });
  }
  return out;
}

describe.each([
  { kind: 'flat' } as LayoutSpec,
  { kind: 'fanout', width: 1, depth: 2 } as LayoutSpec,
  { kind: 'fanout', width: 1, depth: 6, digitBits: 2 } as LayoutSpec,
  // Flags live in index files in the git tree; the export still writes them into Maildir names.
  { kind: 'flags-apart' } as LayoutSpec,
  { kind: 'flags-apart', chunks: 256 } as LayoutSpec,
])('export ($kind)', (layout) => {
  let tmp = '';
  let replica: Replica;
  let opCount = 0;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'mailsim-export-'));
    ({ replica, ops: opCount } = await buildReplica(layout));
    await exportReplica(replica, replicaFsFrom(nodeFs as unknown as PromisesFsLike), tmp);
  });
  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('passes git fsck --strict and git log shows one commit per operation with author and date', () => {
    const repo = join(tmp, 'repo.git');
    execFileSync('git', ['--git-dir', repo, 'fsck', '--strict', '--no-dangling'], { stdio: 'pipe' });
    const log = execFileSync('git', ['--git-dir', repo, 'log', '--format=%an|%at|%s'], { encoding: 'utf8' }).trim().split('\n');
    expect(log).toHaveLength(opCount + 1);
    expect(log.at(-1)).toBe('mailsim|0|initial population');
    const ours = log.slice(0, -1).reverse();
    ours.forEach((line, i) => {
      const [author, date] = line.split('|');
      expect(author).toBe('n1');
      expect(Number(date)).toBe(Math.floor((START_MS + 1500 * (i + 1)) / 1000));
    });
    expect(execFileSync('git', ['--git-dir', repo, 'rev-parse', 'HEAD^{tree}'], { encoding: 'utf8' }).trim()).toBe(replica.headTreeId());
  });

  it("Python's mailbox.Maildir lists the same messages and flags", () => {
    const script = [
      'import mailbox, json, sys',
      'root = mailbox.Maildir(sys.argv[1], factory=None, create=False)',
      'out = {}',
      'def dump(name, box):',
      '    out[name] = sorted([key, box.get_message(key).get_flags()] for key in box.keys())',
      "dump('INBOX', root)",
      'for name in root.list_folders():',
      '    dump(name, root.get_folder(name))',
      'print(json.dumps(out))',
    ].join('\n');
    const listed = JSON.parse(execFileSync('python3', ['-c', script, join(tmp, 'Maildir')], { encoding: 'utf8' })) as Record<string, [string, string][]>;
    for (const mailbox of replica.state.mailboxes.values()) {
      const keys = messagesByUid(mailbox.messages).filter((m) => m.uid > 0).map((m) => `${m.guid},S=${m.sizeBytes}`);
      const rows = listed[mailbox.name] ?? [];
      expect(rows.map(([key]) => key).sort()).toEqual(keys.sort());
    }
    const inbox = replica.state.mailboxes.get('INBOX');
    const junk = messagesByUid(inbox!.messages).find((m) => m.flags.includes('$Junk'));
    expect(listed.INBOX?.find(([key]) => key.startsWith(junk!.guid))?.[1]).toBe('Da');
  });

  it('Dovecot serves the same UIDVALIDITY, UIDNEXT, UIDs and flags', async () => {
    if (!existsSync(DOVECOT_IMAP)) {
      if (process.env.CI === 'true') throw new Error(`${DOVECOT_IMAP} missing on CI`);
      console.warn(`SKIPPED LOUDLY: ${DOVECOT_IMAP} is not installed; the Dovecot check did not run`);
      return;
    }
    const want = expected(replica.state);
    const served = await readWithDovecot(tmp, [...want.keys()]);
    for (const [name, mailbox] of want) {
      const got = served.get(name);
      expect(got, name).toBeDefined();
      expect(got!.uidValidity).toBe(mailbox.uidValidity);
      expect(got!.uidNext).toBe(mailbox.uidNext);
      expect(got!.flags).toEqual(mailbox.flags);
    }
  });
});

async function readWithDovecot(tmp: string, mailboxes: string[]) {
  const conf = join(tmp, 'dovecot.conf');
  await mkdir(join(tmp, 'run'), { recursive: true });
  await mkdir(join(tmp, 'home', 'test'), { recursive: true });
  await writeFile(
    conf,
    [
      'protocols = imap',
      'ssl = no',
      `base_dir = ${tmp}/run`,
      `state_dir = ${tmp}/run`,
      `log_path = ${tmp}/dovecot.log`,
      'first_valid_uid = 0',
      'mail_privileged_group =',
      'mail_uid = nobody',
      'mail_gid = nogroup',
      `mail_location = maildir:${tmp}/Maildir`,
      'passdb {',
      '  driver = static',
      `  args = uid=nobody gid=nogroup home=${tmp}/home/%u`,
      '}',
      'userdb {',
      '  driver = static',
      `  args = uid=nobody gid=nogroup home=${tmp}/home/%u`,
      '}',
      '',
    ].join('\n'),
  );
  execFileSync('chmod', ['-R', 'a+rwX', tmp]);
  const script = mailboxes.map((name, i) => `s${i} SELECT "${name}"\r\nf${i} UID FETCH 1:* (FLAGS)\r\n`).join('') + 'z LOGOUT\r\n';
  // Real pipes through sh: Node's stdio pipes are sockets (Dovecot takes them for inetd) and plain files cannot be polled.
  await writeFile(join(tmp, 'imap-in.txt'), script);
  const command = `cat ${tmp}/imap-in.txt | env -i PATH=/usr/bin:/bin HOME=${tmp}/home/test USER=test ${DOVECOT_IMAP} -c ${conf} | cat > ${tmp}/imap-out.txt`;
  const run = spawnSync('sh', ['-c', command], { encoding: 'utf8', timeout: 30_000 });
  const out = await readFile(join(tmp, 'imap-out.txt'), 'utf8');
  const served = new Map<string, { uidValidity: number; uidNext: number; flags: Map<number, string[]> }>();
  let index = 0;
  for (const name of mailboxes) {
    const start = out.indexOf(`s${index} OK`);
    const end = out.indexOf(`f${index} OK`);
    if (start < 0 || end < 0) throw new Error(`Dovecot did not select ${name}:\n${out}\n${run.stderr}`);
    const before = out.slice(index === 0 ? 0 : out.indexOf(`f${index - 1} OK`), start);
    const fetch = out.slice(start, end);
    const uidValidity = Number(/UIDVALIDITY (\d+)/.exec(before)?.[1]);
    const uidNext = Number(/UIDNEXT (\d+)/.exec(before)?.[1]);
    const flags = new Map<number, string[]>();
    for (const match of fetch.matchAll(/FETCH \((?:UID (\d+) FLAGS \(([^)]*)\)|FLAGS \(([^)]*)\) UID (\d+))\)/g)) {
      const uid = Number(match[1] ?? match[4]);
      const list = (match[2] ?? match[3] ?? '').split(' ').filter((f) => f !== '' && f !== '\\Recent');
      flags.set(uid, list.sort());
    }
    served.set(name, { uidValidity, uidNext, flags });
    index++;
  }
  return served;
}
