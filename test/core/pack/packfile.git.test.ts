// Proves git itself reads the packs we write (thin and not) and we read the packs git writes.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODE_FILE, blobFrom, encodeCommit, encodeTree, type TreeEntry } from '../../../core/objects.ts';
import { readPack, writePack, writePackWithStats } from '../../../core/pack/packfile.ts';
import { entryTypes, noBase, OFS_DELTA, REF_DELTA, renamed, treeEntries } from './packKit.ts';

const hasGit = ((): boolean => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasGit)('git interop', () => {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'mailsim', GIT_AUTHOR_EMAIL: 'mailsim@example.org', GIT_COMMITTER_NAME: 'mailsim', GIT_COMMITTER_EMAIL: 'mailsim@example.org' };
  const git = (cwd: string, args: readonly string[], input?: Uint8Array | string): Buffer => execFileSync('git', args, { cwd, env, input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const scratch = (run: (dir: string) => Promise<void> | void) => async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailsim-pack-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const listing = (entries: readonly TreeEntry[]) => entries.map((item) => `100644 blob ${item.id}\t${item.name}\n`).join('');

  it(
    'git index-pack --fix-thin takes our thin pack: a new tree as REF_DELTA on a tree git holds; fsck --strict passes',
    scratch((repo) => {
      git(repo, ['init', '--bare', '-q', '.']);
      const entries = treeEntries(1000, 'git ');
      const blobs = entries.map((_, index) => blobFrom(`message git ${index}`));
      const tree = encodeTree(entries);
      const first = encodeCommit({ tree: tree.id, parents: [], author: 'mailsim test', timeMs: 1_764_000_000_000, message: 'base' });
      git(repo, ['index-pack', '--stdin'], writePack([...blobs, tree, first].map((object) => ({ object }))));
      git(repo, ['update-ref', 'refs/heads/main', first.id]);

      const added = blobFrom('a new message');
      const nextEntries = [...renamed(entries, 500), { mode: MODE_FILE, name: '1799999999.new:2,', id: added.id } as const];
      const next = encodeTree(nextEntries);
      const second = encodeCommit({ tree: next.id, parents: [first.id], author: 'mailsim test', timeMs: 1_764_000_001_000, message: 'rename' });
      const thin = writePackWithStats([{ object: added }, { object: next, base: tree }, { object: second }]);
      expect(thin.deltaCount).toBe(1);
      expect(entryTypes(thin.bytes)).toEqual([3, REF_DELTA, 1]);
      expect(() => git(repo, ['index-pack', '--stdin'], thin.bytes)).toThrow();
      git(repo, ['index-pack', '--stdin', '--fix-thin'], thin.bytes);
      git(repo, ['update-ref', 'refs/heads/main', second.id, first.id]);
      git(repo, ['fsck', '--strict', '--no-dangling']);
      expect(git(repo, ['cat-file', '-p', next.id]).toString('latin1')).toBe(listing(nextEntries));
      expect(git(repo, ['rev-parse', 'main^{tree}']).toString().trim()).toBe(next.id);
    }),
  );

  it(
    'readPack resolves every object of a pack git writes with OFS_DELTA entries',
    scratch(async (repo) => {
      git(repo, ['init', '-q', '-b', 'main', '.']);
      const lines = Array.from({ length: 200 }, (_, index) => `line ${index} of a message body that is long enough to be worth a delta\n`);
      for (let version = 0; version < 6; version++) {
        lines[version * 30] = `changed in version ${version}\n`;
        writeFileSync(join(repo, 'a.txt'), lines.join(''));
        writeFileSync(join(repo, 'b.txt'), lines.slice().reverse().join('') + `v${version}\n`);
        git(repo, ['add', 'a.txt', 'b.txt']);
        git(repo, ['commit', '-q', '-m', `version ${version}`]);
      }
      const head = git(repo, ['rev-parse', 'HEAD']).toString().trim();
      const pack = git(repo, ['pack-objects', '--stdout', '--revs', '--delta-base-offset'], `${head}\n`);
      const types = entryTypes(pack);
      expect(types.filter((type) => type === OFS_DELTA).length).toBeGreaterThan(0);
      expect(types).not.toContain(REF_DELTA);
      const objects = await readPack(pack, noBase);
      const expected = git(repo, ['rev-list', '--objects', '--all']).toString().trim().split('\n').map((line) => line.slice(0, 40));
      expect(objects.map((object) => object.id).sort()).toEqual(expected.sort());
      for (const object of objects.slice(0, 20)) expect(Buffer.from(object.content).equals(git(repo, ['cat-file', object.type, object.id]))).toBe(true);
    }),
  );

  it(
    'git index-pack takes our non-thin pack with OFS_DELTA entries and sees them as deltas',
    scratch((repo) => {
      git(repo, ['init', '--bare', '-q', '.']);
      const entries = treeEntries(400, 'ofs ');
      const blobs = entries.map((_, index) => blobFrom(`message ofs ${index}`));
      const tree = encodeTree(entries);
      const nextEntries = renamed(entries, 123);
      const next = encodeTree(nextEntries);
      const top = encodeCommit({ tree: next.id, parents: [], author: 'mailsim test', timeMs: 1_764_000_002_000, message: 'ofs' });
      const written = writePackWithStats([...blobs.map((object) => ({ object })), { object: tree }, { object: next, base: tree }, { object: top }]);
      expect(written.deltaCount).toBe(1);
      expect(entryTypes(written.bytes).filter((type) => type === OFS_DELTA).length).toBe(1);
      git(repo, ['index-pack', '--stdin'], written.bytes);
      git(repo, ['update-ref', 'refs/heads/main', top.id]);
      git(repo, ['fsck', '--strict']);
      expect(git(repo, ['cat-file', '-p', next.id]).toString('latin1')).toBe(listing(nextEntries));
      const idx = readdirSync(join(repo, 'objects', 'pack')).find((name) => name.endsWith('.idx')) as string;
      const verify = git(repo, ['verify-pack', '-v', join('objects', 'pack', idx)]).toString();
      expect(verify).toMatch(new RegExp(`^${next.id} tree +\\d+ \\d+ \\d+ 1 ${tree.id}$`, 'm'));
    }),
  );
});
