// Proves every checker says how much it judged: a non-zero count where it judges something, not-applicable where it has nothing to judge, and never valid over nothing (a property over the whole registry).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECKERS } from '../../../sim/checkers/index.ts';
import { CHECK_NAMES, type CheckName } from '../../../sim/checkers/names.ts';
import type { CheckInput } from '../../../sim/checkers/types.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

/** Per checker: a small run where it judges exactly `count` things, all fine. */
const JUDGING: Readonly<Record<CheckName, { readonly input: () => CheckInput; readonly count: number }>> = {
  'uid-stable': {
    // The delivery's binding and the final message.
    input: () => checkInput(delivered(), converged(['n1'], [mailbox('INBOX', [message('g1', 1)])])),
    count: 2,
  },
  'uid-order': {
    input: () => {
      const h = new HistoryBuilder();
      h.bind('n1', { uid: 1, guid: 'g1' });
      h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1')] });
      return checkInput(h, converged(['n1'], [mailbox('INBOX', [message('g1', 1)])]));
    },
    count: 2,
  },
  uidvalidity: {
    input: () => {
      const h = new HistoryBuilder();
      h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1')] });
      h.select('n2', 'imap-0', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1')] });
      return checkInput(h, converged(['n1'], [mailbox('INBOX', [message('g1', 1)])]));
    },
    count: 2,
  },
  'no-lost-mail': {
    input: () => checkInput(delivered(), converged(['n1', 'n2'], [mailbox('INBOX', [message('g1', 1)])])),
    count: 1,
  },
  'no-lost-flags': {
    input: () => {
      const h = delivered();
      h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen', '$Work'] }, 'ok', { flagsAfter: ['$Work', '\\Seen'], modseq: 2, vclock: { n1: 1 } });
      return checkInput(h, converged(['n1'], [mailbox('INBOX', [message('g1', 1, { flags: ['\\Seen', '$Work'], modseq: 2 })])]));
    },
    count: 2,
  },
  'keyword-set': {
    input: () => {
      const h = delivered();
      h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['$w0'] }, 'ok', { flagsAfter: ['$w0'], modseq: 2 });
      return checkInput(h, converged(['n1'], [mailbox('INBOX', [message('g1', 1, { flags: ['$w0'], modseq: 2 })])]));
    },
    count: 1,
  },
  completions: {
    // The delivery's invoke, answered.
    input: () => checkInput(delivered(), converged(['n1'], [mailbox('INBOX', [message('g1', 1)])])),
    count: 1,
  },
  'real-clients': {
    // One real-client sync that carried nothing: the sync is judged.
    input: () => {
      const h = delivered();
      h.record('n1', 'mbsync-0', 'info', 'client-sync', { status: 'ok', exitCode: 0, words: '', flagged: [], expunged: [], appended: [], missing: [], extra: [], localDuplicates: [], redownloadBytes: 0 });
      return checkInput(h, converged(['n1'], [mailbox('INBOX', [message('g1', 1)])]));
    },
    count: 1,
  },
  'no-resurrection': {
    input: () => {
      const h = delivered();
      h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok');
      return checkInput(h, converged(['n1'], [mailbox('INBOX', [])]));
    },
    count: 1,
  },
  'no-duplicates': {
    // Two Message-IDs on the final replicas: one delivered, one from the initial population.
    input: () => checkInput(delivered(), converged(['n1', 'n2'], [mailbox('INBOX', [message('g1', 1, { messageId: 'a@test' }), message('p1', 2)])])),
    count: 2,
  },
  modseq: {
    // One message observation and one client HIGHESTMODSEQ series.
    input: () => {
      const h = new HistoryBuilder();
      h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1')] });
      return checkInput(h, []);
    },
    count: 2,
  },
  'move-atomic': {
    input: () => {
      const h = delivered();
      h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 1 });
      h.transfer('move', 'n1', 'imap-0', { from: 'Archive', to: 'Trash', uid: 1, guid: 'g1' }, 'info');
      return checkInput(h, converged(['n1'], [mailbox('INBOX', []), mailbox('Archive', [message('g1', 1)])]));
    },
    count: 2,
  },
  convergence: {
    input: () => checkInput([], converged(['n1', 'n2', 'n3'], [mailbox('INBOX', [])])),
    count: 2,
  },
  'lease-exclusive': {
    input: () => {
      const h = new HistoryBuilder();
      h.assign('a', 1, [1, 2]);
      h.assign('b', 2, [3]);
      return checkInput(h, []);
    },
    count: 2,
  },
};

function delivered(): HistoryBuilder {
  const h = new HistoryBuilder();
  h.deliver('n1', { messageId: 'a@test', guid: 'g1', uid: 1 });
  return h;
}

/** Runs that give no checker anything to judge: one replica with an empty INBOX, and no history or a refused delivery. */
const IDLE: readonly { readonly label: string; readonly input: () => CheckInput }[] = [
  { label: 'an empty history', input: () => checkInput([], [finalReplica('n1', [mailbox('INBOX', [])])]) },
  {
    label: 'a refused delivery',
    input: () => {
      const h = new HistoryBuilder();
      h.deliver('n1', { messageId: 'a@test' }, 'fail');
      return checkInput(h, [finalReplica('n1', [mailbox('INBOX', [])])]);
    },
  },
];

/** Each checker's noun phrase, read off its judging example (one phrase per checker, whatever the run). */
const JUDGING_WHAT: Readonly<Record<CheckName, string>> = Object.fromEntries(
  CHECK_NAMES.map((name) => [name, CHECKERS[name](JUDGING[name].input()).judgedWhat]),
) as Record<CheckName, string>;

describe('judged counts', () => {
  it('every checker in the registry has a judging example', () => {
    expect(Object.keys(JUDGING).sort()).toEqual([...CHECK_NAMES].sort());
  });

  for (const name of CHECK_NAMES) {
    it(`${name} counts what it judged and is valid over it`, () => {
      const { input, count } = JUDGING[name];
      const result = CHECKERS[name](input());
      expect(result.verdict, result.explanation).toBe('valid');
      expect(result.judgedCount).toBe(count);
      expect(result.judgedWhat).not.toBe('');
    });

    // A refused delivery is a request that ended: completions judges it.
    for (const idle of IDLE.filter((run) => name !== 'completions' || run.label === 'an empty history')) {
      it(`${name} is not-applicable on ${idle.label}`, () => {
        const result = CHECKERS[name](idle.input());
        expect(result).toMatchObject({ verdict: 'not-applicable', count: 0, evidence: [], judgedCount: 0, judgedWhat: JUDGING_WHAT[name] });
        expect(result.explanation).toBe(`nothing to judge: no ${JUDGING_WHAT[name]}`);
      });
    }
  }

  it('no checker is ever valid over nothing judged, nor not-applicable over something (random histories)', () => {
    fc.assert(
      fc.property(arbitraryInput(), (input) => {
        for (const name of CHECK_NAMES) {
          const result = CHECKERS[name](input);
          expect(Number.isSafeInteger(result.judgedCount) && result.judgedCount >= 0, name).toBe(true);
          expect(result.judgedWhat, name).toBe(JUDGING_WHAT[name]);
          if (result.verdict === 'valid') expect(result.judgedCount, `${name}: ${result.explanation}`).toBeGreaterThan(0);
          if (result.verdict === 'not-applicable') expect(result.judgedCount, name).toBe(0);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

type Step =
  | { kind: 'deliver'; guid: number; uid: number; outcome: 'ok' | 'fail' | 'info' }
  | { kind: 'bind'; guid: number; uid: number }
  | { kind: 'select'; guid: number; uid: number; uidValidity: number }
  | { kind: 'store'; guid: number; uid: number; outcome: 'ok' | 'fail' | 'info'; clocked: boolean }
  | { kind: 'expunge'; guid: number; uid: number; outcome: 'ok' | 'fail' | 'info' }
  | { kind: 'move'; guid: number; uid: number; outcome: 'ok' | 'fail' | 'info' }
  | { kind: 'assign'; node: number; epoch: number; uid: number }
  | { kind: 'validity'; before: number; after: number };

/** Small histories drawn over three GUIDs and two nodes, with 0-3 final replicas holding some of the GUIDs. */
function arbitraryInput(): fc.Arbitrary<CheckInput> {
  const guid = fc.integer({ min: 1, max: 3 });
  const uid = fc.integer({ min: 0, max: 4 });
  const outcome = fc.constantFrom('ok' as const, 'fail' as const, 'info' as const);
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('deliver' as const), guid, uid, outcome }),
    fc.record({ kind: fc.constant('bind' as const), guid, uid }),
    fc.record({ kind: fc.constant('select' as const), guid, uid, uidValidity: fc.integer({ min: 1, max: 2 }) }),
    fc.record({ kind: fc.constant('store' as const), guid, uid, outcome, clocked: fc.boolean() }),
    fc.record({ kind: fc.constant('expunge' as const), guid, uid, outcome }),
    fc.record({ kind: fc.constant('move' as const), guid, uid, outcome }),
    fc.record({ kind: fc.constant('assign' as const), node: fc.integer({ min: 0, max: 1 }), epoch: fc.integer({ min: 1, max: 3 }), uid: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('validity' as const), before: fc.integer({ min: 1, max: 3 }), after: fc.integer({ min: 1, max: 3 }) }),
  );
  const finals = fc.record({ replicas: fc.integer({ min: 0, max: 3 }), held: fc.subarray([1, 2, 3]), converged: fc.boolean() });
  return fc.record({ steps: fc.array(step, { maxLength: 12 }), finals }).map(({ steps, finals: f }) => {
    const h = new HistoryBuilder();
    for (const s of steps) addStep(h, s);
    const boxes = [mailbox('INBOX', f.held.map((g) => message(`g${g}`, g)))];
    const nodes = ['n1', 'n2', 'n3'].slice(0, f.replicas);
    const replicas = f.converged ? converged(nodes, boxes) : nodes.map((node, i) => finalReplica(node, i === 0 ? boxes : [mailbox('INBOX', [])], `tree-${i}`));
    return checkInput(h, replicas, { convergence: { convergedAtMs: f.converged ? 10 : null } });
  });
}

function addStep(h: HistoryBuilder, s: Step): void {
  const g = 'guid' in s ? `g${s.guid}` : '';
  switch (s.kind) {
    case 'deliver': h.deliver('n1', { messageId: `${g}@test`, guid: g, uid: s.uid }, s.outcome); break;
    case 'bind': h.bind('n1', { uid: s.uid, guid: g }); break;
    case 'select': h.select('n1', 'imap-0', { uidValidity: s.uidValidity, uidNext: 5, messages: s.uid > 0 ? [seen(s.uid, g)] : [] }); break;
    case 'store': h.store('n1', 'imap-0', { uid: s.uid, guid: g, mode: '+', flags: ['\\Seen'] }, s.outcome, { flagsAfter: ['\\Seen'], modseq: 2, ...(s.clocked ? { vclock: { n1: 1 } } : {}) }); break;
    case 'expunge': h.expunge('n1', 'imap-0', { uids: [s.uid], guids: [g] }, s.outcome); break;
    case 'move': h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: s.uid, guid: g }, s.outcome, { toUid: s.uid }); break;
    case 'assign': h.assign(s.node === 0 ? 'a' : 'b', s.epoch, [s.uid]); break;
    case 'validity': h.validityChange('n1', 'INBOX', s.before, s.after); break;
  }
}
