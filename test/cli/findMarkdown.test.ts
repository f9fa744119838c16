// Proves bench find's Markdown writer: the table names each planted bug with its figures, says plainly which bugs no start found, and replaces only the section between the markers (a file without them is refused).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIND_RESULTS_END, FIND_RESULTS_START, findResultsMarkdown, writeFindMarkdown } from '../../cli/bench/findMarkdown.ts';
import type { BugResult, FindFigures } from '../../cli/bench/findTypes.ts';

function bug(name: string, seeds: readonly (number | null)[]): BugResult {
  const found = seeds.filter((s): s is number => s !== null);
  return {
    name,
    layer: 'merge',
    target: 'no-lost-flags',
    description: 'd',
    starts: seeds.map((s, k) => ({ start: 1 + 1000 * k, seedsToDetection: s, seed: s === null ? null : 1000 * k + s, caughtBy: s === null ? [] : ['no-lost-flags'], probesHit: s === null ? [] : ['renumber-moved'], failsWithoutBug: [] })),
    medianSeeds: found.length === seeds.length ? found[0] ?? null : null,
    worstSeeds: found.length === seeds.length ? Math.max(...found) : null,
    foundIn: found.length,
    caughtBy: found.length > 0 ? ['no-lost-flags'] : [],
    probesHit: found.length > 0 ? ['merge-three-heads', 'renumber-moved'] : [],
    expectedCheckerCaught: found.length > 0,
    replayCommand: found.length > 0 ? `mailsim run scenarios/swarm-5.yaml --seed ${found[0]} --set mutant=${name}` : null,
  };
}

const FIGURES: FindFigures = {
  scenario: 'scenarios/swarm-5.yaml',
  cap: 10,
  startSeeds: [1, 1001],
  jobs: 2,
  cores: 2,
  runs: 30,
  wallMs: 240_000,
  wallMsPerRun: 8000,
  runWallMsMean: 14_000,
  loadAverage: [12, 12, 12],
  bugs: [bug('flag-lost-on-moved', [3, 3]), bug('expunge-loses-to-flag', [null, null]), bug('flag-lost-on-moved-late', [4, null])],
};

const dir = await mkdtemp(join(tmpdir(), 'mailsim-find-md-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('findResultsMarkdown', () => {
  it('gives each bug a row, and names the bugs no start found', () => {
    const text = findResultsMarkdown(FIGURES);
    expect(text).toContain('| `flag-lost-on-moved` | merge | 3 | 3 | 3, 3 | no-lost-flags | `merge-three-heads`, `renumber-moved` | `mailsim run scenarios/swarm-5.yaml --seed 3 --set mutant=flag-lost-on-moved` |');
    expect(text).toContain('| `expunge-loses-to-flag` | merge | not found within 10 | not found within 10 | >10, >10 | - | - | - |');
    expect(text).toContain('| `flag-lost-on-moved-late` | merge | >10 | >10 | 4, >10 | no-lost-flags |');
    expect(text).toMatch(/Not found from any start within 10 seeds: `expunge-loses-to-flag`\. /);
    expect(findResultsMarkdown({ ...FIGURES, code: { commit: 'abc123', sourceSha256: 'f' } })).toContain('on 2 cores, at commit `abc123`.');
  });

  it('adds an explore column when explore ran, and names the bugs only explore found', () => {
    const explored: FindFigures = {
      ...FIGURES,
      explore: { scenario: 'scenarios/explore-two-servers.yaml', depth: 10, faults: 2, budgetS: 60 },
      bugs: [
        { ...(FIGURES.bugs[0] as BugResult), explore: { schedules: 2, foundAtSchedule: 2, complete: false, elapsedS: 0.2, errors: 0 } },
        { ...(FIGURES.bugs[1] as BugResult), explore: { schedules: 7, foundAtSchedule: 7, complete: false, elapsedS: 1, errors: 0 } },
        { ...(FIGURES.bugs[2] as BugResult), explore: { schedules: 900, foundAtSchedule: null, complete: false, elapsedS: 60, errors: 0 } },
      ],
    };
    const text = findResultsMarkdown(explored);
    expect(text).toContain('--explore-budget-s 60 --markdown');
    expect(text).toContain('| planted bug | layer | seeds to find (median) | worst | per start | caught by | probes its run hit | replay the first | explore finds it at |');
    expect(text).toMatch(/\| `flag-lost-on-moved` \|.*\| schedule 2 \|/);
    expect(text).toMatch(/\| `flag-lost-on-moved-late` \|.*\| not found in 900 schedules \(budget reached\) \|/);
    expect(text).toContain('Found by explore but by no start of the sweep: `expunge-loses-to-flag`.');
    // Without explore: no column.
    expect(findResultsMarkdown(FIGURES)).not.toContain('explore finds it at');
  });

  it('says nothing is missed when every bug was found', () => {
    expect(findResultsMarkdown({ ...FIGURES, bugs: [FIGURES.bugs[0] as BugResult] })).not.toContain('Not found');
  });
});

describe('writeFindMarkdown', () => {
  it('replaces the section between the markers and keeps the rest', async () => {
    const path = join(dir, 'doc.md');
    await writeFile(path, `# Title\n\n${FIND_RESULTS_START}\nold figures\n${FIND_RESULTS_END}\n\nAfter.\n`);
    await writeFindMarkdown(path, FIGURES);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('old figures');
    expect(text.startsWith('# Title\n')).toBe(true);
    expect(text.endsWith(`${FIND_RESULTS_END}\n\nAfter.\n`)).toBe(true);
    expect(text).toContain('flag-lost-on-moved');
  });

  it('refuses a file without the markers, with a clear error', async () => {
    const path = join(dir, 'plain.md');
    await writeFile(path, '# No section\n');
    await expect(writeFindMarkdown(path, FIGURES)).rejects.toMatchObject({ code: 'E_BAD_OPTION' });
  });
});
