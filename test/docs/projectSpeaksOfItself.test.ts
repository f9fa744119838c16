// Proves the repository speaks of mailsim alone: no text file tells the project's own history
// in numbered work periods or lettered work items, and none points at a file outside the
// repository. Scans every text file (git's ignored folders left out) without running git.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { REPO_ROOT } from '../e2e/mailsim.ts';

/** Folders that hold installs, outputs or git's own data, never project text. */
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'out', 'coverage', 'tmp', '.stryker-tmp', 'latest', 'mutation']);
const TEXT_EXTENSIONS = new Set(['.ts', '.mjs', '.cjs', '.js', '.json', '.md', '.yaml', '.yml', '.sh', '']);

const word = (...parts: string[]): string => parts.join('');
/** Built from pieces so that this file does not match itself. */
const FORBIDDEN: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'a numbered work period', pattern: new RegExp(`${word('sess', 'ions?')} [0-9]|end of ${word('sess', 'ion')}`, 'i') },
  { name: 'a lettered work item', pattern: new RegExp(`${word('iss', 'ue')} [A-Z]\\b`, 'i') },
  { name: 'a file outside the repository', pattern: new RegExp(`\\b(${[word('FAC', 'TS'), word('DES', 'IGN'), word('STY', 'LE')].join('|')})\\.md\\b|\\.\\./${word('sha', 'red')}\\b|/${word('wo', 'rk')}/(${word('sha', 'red')}|wt|main)\\b`) },
];

/** Every offending line of a text: `line N: <which rule>: <the line>`. */
function forbiddenLines(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    for (const rule of FORBIDDEN) if (rule.pattern.test(line)) found.push(`line ${index + 1}: ${rule.name}: ${line.trim()}`);
  });
  return found;
}

function textFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name === '.git') continue; // a folder, or in a worktree a file naming one
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...textFiles(path));
    } else if (entry.isFile() && TEXT_EXTENSIONS.has(extname(entry.name)) && !entry.name.endsWith('.log')) {
      files.push(path);
    }
  }
  return files;
}

describe('the project speaks of itself alone', () => {
  it('no text file tells work periods or work items, or points outside the repository', () => {
    const offences = textFiles(REPO_ROOT).flatMap((file) => forbiddenLines(readFileSync(file, 'utf8')).map((line) => `${relative(REPO_ROOT, file)} ${line}`));
    expect(offences).toEqual([]);
  });

  it('catches each kind it looks for (negative control)', () => {
    const planted = [
      `measured at the end of ${word('sess', 'ion')} 9`,
      `as in ${word('sess', 'ions')} 5 and 6`,
      `${word('Iss', 'ue')} L's targets`,
      `see ${word('FAC', 'TS')}.md for the figure`,
      `notes in ../${word('sha', 'red')}/x`,
      `read /${word('wo', 'rk')}/${word('sha', 'red')}/notes`,
    ];
    for (const line of planted) expect(forbiddenLines(line), line).toHaveLength(1);
  });

  it('leaves IMAP and dsync sessions and ordinary words alone', () => {
    for (const line of ['one dsync session per sync', 'an IMAP session guarantee', 'the session is already authenticated', 'docs/facts.md, RFC 9051 §2.3.1.1']) {
      expect(forbiddenLines(line), line).toEqual([]);
    }
  });
});
