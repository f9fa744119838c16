// Proves a sweep folder yields every *.yaml/*.yml/*.json below it (recursively, sorted), skips schema.json and other files, and refuses empty or missing paths.
import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliInputError, scenarioFiles } from '../../cli/sweepFiles.ts';

async function tree(files: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mailsim-files-'));
  for (const file of files) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), 'name: x\n');
  }
  return dir;
}

describe('scenarioFiles', () => {
  it('finds scenarios recursively in sorted order and skips schema.json and non-scenarios', async () => {
    const dir = await tree(['b.yaml', 'a.yml', 'controls/c.json', 'controls/deeper/d.YAML', 'schema.json', 'notes.md', 'loader.ts']);
    expect(await scenarioFiles(dir)).toEqual(['a.yml', 'b.yaml', 'controls/c.json', 'controls/deeper/d.YAML'].map((f) => join(dir, f)));
  });

  it('gives a file as it was named, whatever its extension', async () => {
    const dir = await tree(['odd.txt']);
    expect(await scenarioFiles(join(dir, 'odd.txt'))).toEqual([join(dir, 'odd.txt')]);
  });

  it('refuses a folder without scenarios and a missing path', async () => {
    const dir = await tree(['schema.json', 'readme.md']);
    await expect(scenarioFiles(dir)).rejects.toBeInstanceOf(CliInputError);
    await expect(scenarioFiles(join(dir, 'missing'))).rejects.toThrow(/no such file or folder/);
  });
});
