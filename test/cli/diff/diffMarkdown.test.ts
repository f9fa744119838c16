import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDiffMarkdown, diffSection, writeDiffMarkdown } from '../../../cli/diff/diffMarkdown.ts';
import type { SeedDiff } from '../../../cli/diff/runDiff.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function documentWith(sections: readonly (readonly string[])[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mailsim-diff-md-'));
  dirs.push(dir);
  const path = join(dir, 'doc.md');
  const body = sections.map((files) => `${diffSection(files).startMarker}\nold figures\n${diffSection(files).endMarker}\n`).join('\nbetween\n');
  await writeFile(path, `# title\n${body}the end\n`);
  return path;
}

const seed = (file: string): SeedDiff => ({ file, seed: 1, runs: [{ replica: 'git', verdict: 'valid', failedChecks: [], replayCommand: '', wallMs: 1000, workloadPartsAt: null }], pairs: [] });
const stamp = { command: 'mailsim diff a.yaml', commit: 'abc', wallMs: 1, cores: 2, loadAverageStart: [1], loadAverageEnd: [1] };

describe('mailsim diff --markdown', () => {
  it('replaces the section of the files named and leaves another section alone', async () => {
    const path = await documentWith([['a.yaml'], ['b.yaml', 'c.yaml']]);
    await writeDiffMarkdown(path, ['a.yaml'], [seed('a.yaml')], stamp);
    const text = await readFile(path, 'utf8');
    expect(text).toContain('### `a.yaml`, seeds 1');
    expect(text.match(/old figures/g)).toHaveLength(1);
    expect(text.indexOf('old figures')).toBeGreaterThan(text.indexOf(diffSection(['b.yaml', 'c.yaml']).startMarker));
    expect(text.endsWith('the end\n')).toBe(true);
  });

  it('refuses, before any run, a document with no section for the files', async () => {
    const path = await documentWith([['a.yaml']]);
    await expect(checkDiffMarkdown(path, ['b.yaml'])).rejects.toThrow(/no results section/);
    await expect(checkDiffMarkdown(join(path, 'missing'), ['a.yaml'])).rejects.toThrow(/cannot read it/);
    await checkDiffMarkdown(path, ['a.yaml']);
  });
});
