// Proves the CLI's atomic output files: the target appears only whole, a write that fails part-way leaves the old file as it was and no temporary file, and a folder or an unwritable place is refused when opening, before any work.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicOutput, OutputFileError } from '../../cli/outputFile.ts';

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'mailsim-output-'));

describe('AtomicOutput', () => {
  it('writes every chunk and only then puts the file in place', async () => {
    const dir = await tempDir();
    const path = join(dir, 'h.jsonl');
    const output = await AtomicOutput.open('--history', path);
    expect(existsSync(path)).toBe(false);
    const big = 'x'.repeat(700_000);
    await output.commit(['a\n', big, 'b\n', big]);
    expect(readFileSync(path, 'utf8')).toBe(`a\n${big}b\n${big}`);
    expect(readdirSync(dir)).toEqual(['h.jsonl']);
  });

  it('leaves the old file as it was, and no temporary file, when the text fails part-way', async () => {
    const dir = await tempDir();
    const path = join(dir, 'f.json');
    writeFileSync(path, 'old\n');
    const output = await AtomicOutput.open('--finals', path);
    function* failing(): Generator<string> {
      yield 'x'.repeat(2_000_000);
      throw new Error('disk full');
    }
    const error = await output.commit(failing()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputFileError);
    expect(error).toMatchObject({ code: 'E_OUTPUT', data: { option: '--finals', path }, message: expect.stringContaining('disk full') as unknown });
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['f.json']);
  });

  it('refuses a folder and a place it cannot create a file in, when opening', async () => {
    const dir = await tempDir();
    await expect(AtomicOutput.open('--history', dir)).rejects.toMatchObject({ code: 'E_OUTPUT', message: expect.stringContaining('is a folder') as unknown });
    await expect(AtomicOutput.open('--history', join(dir, 'no', 'h.jsonl'))).rejects.toMatchObject({ code: 'E_OUTPUT', message: expect.stringContaining('ENOENT') as unknown });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('discard removes the temporary file of a run that never finished', async () => {
    const dir = await tempDir();
    const output = await AtomicOutput.open('--history', join(dir, 'h.jsonl'));
    expect(readdirSync(dir)).toHaveLength(1);
    await output.discard();
    expect(readdirSync(dir)).toEqual([]);
  });
});
