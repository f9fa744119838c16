// Proves the naive-git control reproduces isomorphic-git's own path-level merge (git.merge on a flat Maildir tree in memfs) on flag-change, expunge and move conflicts.
import git from 'isomorphic-git';
import { Volume, createFsFromVolume } from 'memfs';
import { describe, expect, it } from 'vitest';
import { allMessages } from '../../core/messageMap.ts';
import type { StoreState } from '../../core/state.ts';
import { flatPath, naiveGitMerge } from '../../core/strategies/naiveGit.ts';
import { expunge, mailbox, move, msg, store, storeFlag } from './stateOps.ts';

const author = { name: 'mailsim', email: 'mailsim@test', timestamp: 0, timezoneOffset: 0 };

/** The flat-layout message paths of a state, with each file's content (the body, here its blob id). */
function files(state: StoreState): Map<string, string> {
  const out = new Map<string, string>();
  for (const box of state.mailboxes.values()) for (const m of allMessages(box.messages)) out.set(flatPath(box, m), m.blobId);
  return out;
}

type Fs = Parameters<typeof git.init>[0]['fs'];

/** Writes `paths` as a nested git tree and returns its oid. */
async function writeTree(fs: Fs, dir: string, paths: ReadonlyMap<string, string>): Promise<string> {
  const root = new Map<string, unknown>();
  for (const [path, content] of paths) {
    const parts = path.split('/');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      if (!node.has(part)) node.set(part, new Map<string, unknown>());
      node = node.get(part) as Map<string, unknown>;
    }
    node.set(parts[parts.length - 1] as string, content);
  }
  const write = async (node: Map<string, unknown>): Promise<string> => {
    const tree: { mode: string; path: string; oid: string; type: 'blob' | 'tree' }[] = [];
    for (const [name, value] of node) {
      if (value instanceof Map) tree.push({ mode: '040000', path: name, oid: await write(value as Map<string, unknown>), type: 'tree' });
      else tree.push({ mode: '100644', path: name, oid: await git.writeBlob({ fs, dir, blob: new TextEncoder().encode(String(value)) }), type: 'blob' });
    }
    return git.writeTree({ fs, dir, tree });
  };
  return write(root);
}

async function listTree(fs: Fs, dir: string, oid: string, prefix = ''): Promise<string[]> {
  const { tree } = await git.readTree({ fs, dir, oid });
  const out: string[] = [];
  for (const entry of tree) {
    if (entry.type === 'tree') out.push(...(await listTree(fs, dir, entry.oid, `${prefix}${entry.path}/`)));
    else out.push(`${prefix}${entry.path}`);
  }
  return out;
}

/** isomorphic-git's merge of the flat trees of ours and theirs (from base): the merged paths, sorted. */
async function gitMergePaths(base: StoreState, ours: StoreState, theirs: StoreState): Promise<string[]> {
  const fs = createFsFromVolume(new Volume()) as unknown as Fs;
  const dir = '/repo';
  await git.init({ fs, dir, defaultBranch: 'ours' });
  const commit = async (state: StoreState, parent: string[], message: string): Promise<string> =>
    git.writeCommit({ fs, dir, commit: { tree: await writeTree(fs, dir, files(state)), parent, author, committer: author, message } });
  const root = await commit(base, [], 'base');
  await git.writeRef({ fs, dir, ref: 'refs/heads/ours', value: await commit(ours, [root], 'ours'), force: true });
  await git.writeRef({ fs, dir, ref: 'refs/heads/theirs', value: await commit(theirs, [root], 'theirs'), force: true });
  const result = await git.merge({ fs, dir, ours: 'ours', theirs: 'theirs', author, committer: author, fastForward: false });
  return (await listTree(fs, dir, result.tree as string)).sort();
}

const base = store(mailbox('INBOX', { uidValidity: 7, messages: [msg('u', 1, ['\\Seen']), msg('v', 2)] }), mailbox('Archive', { uidValidity: 8, messages: [msg('w', 1)] }));

describe('naive-git control against isomorphic-git git.merge', () => {
  it.each([
    ['two concurrent flag changes of one message', storeFlag(base, 'u', '+', '\\Flagged'), storeFlag(base, 'u', '+', '\\Answered')],
    ['an expunge against a flag change', expunge(base, 'u'), storeFlag(base, 'u', '-', '\\Seen')],
    ['a move against a flag change', move(base, 'v', 'Archive'), storeFlag(base, 'v', '+', '\\Seen')],
    ['changes to different messages', storeFlag(base, 'v', '+', '\\Seen'), expunge(base, 'w')],
  ] as [string, StoreState, StoreState][])('%s: same files as git', async (_name, ours, theirs) => {
    const merged = naiveGitMerge(base, ours, theirs).state;
    // The control's messages written back as flat paths, each copy under its original GUID (git knows no derived GUIDs).
    const ownPaths: string[] = [];
    for (const box of merged.mailboxes.values()) {
      for (const m of allMessages(box.messages)) ownPaths.push(flatPath(box, { ...m, guid: m.guid.replace(/\.dup-[0-9a-f]{8}$/, '') }));
    }
    expect(ownPaths.sort()).toEqual(await gitMergePaths(base, ours, theirs));
  });
});
