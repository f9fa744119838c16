// mailsim results reads every explore-*.json in its folder as an explore summary, and refuses
// one that holds anything else by its name, with one line and exit 2.
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resultsCommand } from '../../../cli/commands/results.ts';

const FIXTURE = new URL('../fixtures/explore-two-servers-depth4.json', import.meta.url);

async function folder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'mailsim-results-'));
}

describe('mailsim results with explore summaries', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes a row for an explore-*.json with the command beside it', async () => {
    vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const dir = await folder();
    await copyFile(FIXTURE, join(dir, 'explore-two-servers-depth4.json'));
    await writeFile(join(dir, 'explore-two-servers-depth4.json.command'), 'mailsim explore scenarios/explore-two-servers.yaml --depth 4 --faults 2 --json\n');
    const out = join(dir, 'results.md');
    expect(await resultsCommand(dir, { out })).toBe(0);
    const markdown = await readFile(out, 'utf8');
    expect(markdown).toContain('| `scenarios/explore-two-servers.yaml` | depth 4; faults 2;');
    expect(markdown).toContain('| `mailsim explore scenarios/explore-two-servers.yaml --depth 4 --faults 2 --json` |');
  });

  it('refuses an explore-*.json that is not an explore summary, by name and with exit 2', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const dir = await folder();
    await writeFile(join(dir, 'explore-broken.json'), JSON.stringify({ scenario: 'scenarios/a.yaml', schedules: 'many' }));
    expect(await resultsCommand(dir, { out: join(dir, 'results.md') })).toBe(2);
    expect(stderr.mock.calls.map(([text]) => String(text)).join('')).toContain('explore-broken.json: not a `mailsim explore --json` summary');
  });
});
