// Proves a hand-encoded blob has the id the git CLI gives the same bytes.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { blobFrom } from '../../core/objects.ts';

describe('git objects against git', () => {
  it('a blob id matches git hash-object', () => {
    const git = execFileSync('git', ['hash-object', '--stdin'], { input: 'mail body\r\n', encoding: 'utf8' }).trim();
    expect(blobFrom('mail body\r\n').id).toBe(git);
  });
});
