// What the tests of real backends (Dovecot dsync, Cyrus) share: the loud skip when a real
// program is missing (an error under CI=true), running a library file with overrides, and the
// textbook split brain both real systems repair the same way.
import { expect, it } from 'vitest';
import { allMessages } from '../../core/messageMap.ts';
import { loadScenario } from '../../scenarios/loader.ts';
import { runScenario } from '../../scenarios/run.ts';

/** `it` when the real program is installed; else `it.skip` with one loud line, or an error on CI. */
export function whenInstalled(installed: boolean, missing: string, notRun: string): typeof it | typeof it.skip {
  if (!installed) {
    if (process.env.CI === 'true') throw new Error(`${missing} is missing on CI`);
    console.warn(`SKIPPED LOUDLY: ${missing} is not installed; ${notRun} did not run`);
  }
  return installed ? it : it.skip;
}

/** A library file run at its own seed, with `--set` overrides. */
export async function runLibraryFile(file: string, sets: readonly string[]) {
  const loaded = await loadScenario(file, sets);
  return runScenario(loaded, loaded.scenario.seed ?? 1);
}

/**
 * dsync-uid-clash.yaml as dsync and Cyrus both repair it: A's 6, 7, 8 and B's 6, 7 were
 * handed out in the split; after the heal every replica keeps A's 8, the four clashing
 * messages sit at 9-12, UIDNEXT is 13 and UIDVALIDITY is the one A was told.
 */
export function expectTextbookSplitBrain(outcome: Awaited<ReturnType<typeof runLibraryFile>>['outcome']): void {
  const delivered = (node: string) => outcome.history
    .filter((r) => r.process === `script-${node}` && r.type === 'ok' && r.f === 'deliver')
    .map((r) => r.value as { guid: string; uid: number; uidValidity: number });
  const a = delivered('A');
  const b = delivered('B');
  expect(a.map((d) => d.uid)).toEqual([6, 7, 8]);
  expect(b.map((d) => d.uid)).toEqual([6, 7]);
  for (const final of outcome.finals) {
    const inbox = final.state.mailboxes.get('INBOX')!;
    expect(inbox.uidValidity).toBe(a[0]!.uidValidity);
    expect(inbox.uidNext).toBe(13);
    const uidOf = new Map([...allMessages(inbox.messages)].map((m) => [m.guid, m.uid]));
    expect(uidOf.get(a[2]!.guid)).toBe(8);
    const clashing = [a[0]!, a[1]!, ...b].map((d) => uidOf.get(d.guid)).sort((x, y) => x! - y!);
    expect(clashing).toEqual([9, 10, 11, 12]);
    expect([...allMessages(inbox.messages)].map((m) => m.uid).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 8, 9, 10, 11, 12]);
  }
}

/**
 * delete-vs-deliver.yaml on a real backend: A's DELETE of Archive reaches B at the heal and
 * takes with it the message B was answered 250 for meanwhile (no-lost-mail), while the message
 * B moved out of Archive survives in INBOX; Archive is gone everywhere. The reference replica
 * keeps the delivery, in INBOX.
 */
export async function expectDeleteDropsDelivery(replica: 'dsync' | 'cyrus'): Promise<void> {
  const real = await runLibraryFile('scenarios/delete-vs-deliver.yaml', [`replica=${replica}`]);
  expect(real.result.checks['no-lost-mail']?.verdict).toBe('invalid');
  expect(real.result.checks['convergence']?.verdict).toBe('valid');
  const delivered = real.outcome.history.find((r) => r.process === 'script-B' && r.type === 'ok' && r.f === 'deliver')?.value as { guid: string };
  for (const final of real.outcome.finals) {
    expect([...final.state.mailboxes.keys()]).toEqual(['INBOX']);
    const ids = [...allMessages(final.state.mailboxes.get('INBOX')!.messages)].map((m) => m.messageId);
    expect(ids).toContain('<p1.Archive@mailsim.test>');
    expect([...allMessages(final.state.mailboxes.get('INBOX')!.messages)].map((m) => m.guid)).not.toContain(delivered.guid);
  }
  const reference = await runLibraryFile('scenarios/delete-vs-deliver.yaml', ['replica=git']);
  expect(reference.result.verdict).toBe('valid');
  for (const final of reference.outcome.finals) {
    const ids = [...allMessages(final.state.mailboxes.get('INBOX')!.messages)].map((m) => m.messageId);
    expect(ids).toContain('<s1.script@mailsim.test>');
    expect(ids).not.toContain('<p1.Archive@mailsim.test>');
  }
}
