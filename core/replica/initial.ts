/**
 * A new replica's repository: the first commit, made from the initial mailboxes. Equal input
 * gives an equal state and commit on every node, so replicas created apart share their root.
 */
import type { Mailbox, Message, StoreState } from '../state.ts';
import { assert } from '../errors.ts';
import { updateMessages, EMPTY_MESSAGE_MAP } from '../messageMap.ts';
import { blobFrom, encodeCommit } from '../objects.ts';
import { ObjectStore } from '../objectStore.ts';
import { sortedMailboxes, writeState } from '../layout.ts';
import { extendKeywordTable, makeBaseName, normalizeFlags, validateFlag, validateMailboxName } from '../names.ts';
import { messageIdOf } from '../body.ts';
import { logicalIdOf, type CommitGraph } from './commitGraph.ts';
import type { ReplicaOptions, ReplicaParts } from './context.ts';

export interface InitialMailbox {
  name: string;
  uidValidity: number;
  messages: { body: Uint8Array; flags: string[] }[];
  /** A strategy's data for the mailbox (Mailbox.strategyData), e.g. the owner strategy's owner. */
  strategyData?: Readonly<Record<string, string>>;
}

/** Author of the first commit (identical on every node). */
export const INITIAL_AUTHOR = 'mailsim';

/** Writes the repository and its first commit, durably. */
export async function createRepository(opts: ReplicaOptions, initial: readonly InitialMailbox[]): Promise<ReplicaParts> {
  const objects = new ObjectStore(opts.fs, opts.dir, opts.layoutCache, opts.deflateMemo);
  objects.verifyReads = opts.trustReads !== true;
  const state = initialState(initial, objects);
  await objects.initRepository();
  const tree = writeState(state, opts.layout, objects);
  const root = { parents: [], author: INITIAL_AUTHOR, timeMs: 0, message: 'initial population' };
  const commit = encodeCommit({ tree, ...root });
  objects.put(commit);
  const written = await objects.writeStaged();
  await objects.updateRef(commit.id);
  const info = { tree, parents: [], timeMs: 0, author: INITIAL_AUTHOR, generation: 1, seq: 0, logicalId: logicalIdOf(new Map(), root), written: written.filter((id) => id !== commit.id) };
  const graph: CommitGraph = new Map([[commit.id, info]]);
  return { objects, graph, head: commit.id, state };
}

/** The first commit's state: equal input gives an equal state (and commit) on every node. */
function initialState(initial: readonly InitialMailbox[], store: ObjectStore): StoreState {
  const mailboxes = new Map<string, Mailbox>();
  let counter = 0;
  for (const spec of initial) {
    validateMailboxName(spec.name);
    assert(!mailboxes.has(spec.name), `initial mailbox ${spec.name} listed twice`);
    let keywords: readonly string[] = [];
    const messages: Message[] = [];
    spec.messages.forEach((input, index) => {
      for (const flag of input.flags) validateFlag(flag);
      const flags = normalizeFlags(input.flags);
      keywords = extendKeywordTable(keywords, flags);
      const blob = blobFrom(input.body);
      store.put(blob);
      const messageId = messageIdOf(input.body);
      store.layoutCache.rememberBody(blob.id, messageId);
      const guid = makeBaseName(0, ++counter, 'init');
      messages.push({ guid, uid: index + 1, flags, modseq: 1, internalDateMs: 0, sizeBytes: input.body.length, blobId: blob.id, messageId });
    });
    const mailbox: Mailbox = {
      name: spec.name,
      uidValidity: spec.uidValidity,
      uidNext: messages.length + 1,
      highestModseq: 1,
      keywords,
      messages: updateMessages(EMPTY_MESSAGE_MAP, messages, []),
      ...(spec.strategyData ? { strategyData: { ...spec.strategyData } } : {}),
    };
    mailboxes.set(spec.name, mailbox);
  }
  return { mailboxes: sortedMailboxes(mailboxes) };
}
