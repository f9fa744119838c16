/**
 * Reads a scenario file (YAML, or JSON which YAML also reads), applies `--set PATH=VALUE`
 * overrides and validates it with the zod schema. Every problem becomes a ScenarioError
 * naming the file, the field path and, where the field is in the file, its line, so the
 * CLI can print one clear line per problem and exit 2 instead of a stack trace.
 *
 * node:fs is used here only to read the one file; parseScenarioText is pure.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, parse as parseYaml, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { MailsimError } from '../core/errors.ts';
import { scenarioSchema, type Scenario } from './schema.ts';

export const SCENARIO_FILE_BYTES_MAX = 1024 * 1024;
/** YAML aliases a file may expand (a bound against alias bombs). */
export const YAML_ALIASES_MAX = 100;
/** Issues listed in one error message; the rest are counted. */
export const ISSUES_SHOWN_MAX = 20;

export interface ScenarioIssue {
  readonly file: string;
  /** Dotted field path ('faults.2.crash'); '' for the whole file. */
  readonly path: string;
  readonly line?: number;
  readonly reason: string;
}

function formatIssue(issue: ScenarioIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return issue.path === '' ? `${where}: ${issue.reason}` : `${where}: ${issue.path}: ${issue.reason}`;
}

/** A scenario that cannot be used. `data` is the first problem; the message lists them all. */
export class ScenarioError extends MailsimError<'E_SCENARIO', { file: string; path: string; line?: number; reason: string }> {
  readonly issues: readonly ScenarioIssue[];

  constructor(issues: readonly ScenarioIssue[]) {
    const first = issues[0];
    if (first === undefined) throw new Error('assertion failed: ScenarioError without an issue');
    const shown = issues.slice(0, ISSUES_SHOWN_MAX).map(formatIssue);
    if (issues.length > ISSUES_SHOWN_MAX) shown.push(`... and ${issues.length - ISSUES_SHOWN_MAX} more problems`);
    const data = first.line === undefined
      ? { file: first.file, path: first.path, reason: first.reason }
      : { file: first.file, path: first.path, line: first.line, reason: first.reason };
    super('E_SCENARIO', shown.join('\n'), data);
    this.name = 'ScenarioError';
    this.issues = issues;
  }
}

export interface LoadedScenario {
  readonly file: string;
  /** Validated, overrides applied; fields left out are not drawn yet (scenarios/resolve.ts does that). */
  readonly scenario: Scenario;
  /** The --set overrides applied, as given ('strategy=keep-uids'). */
  readonly overrides: readonly string[];
}

function fail(file: string, reason: string, path = '', line?: number): never {
  throw new ScenarioError([line === undefined ? { file, path, reason } : { file, path, line, reason }]);
}

/** Reads, parses and validates one scenario file. */
export async function loadScenario(file: string, overrides: readonly string[] = []): Promise<LoadedScenario> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') fail(file, 'no such file');
    if (code === 'EISDIR') fail(file, 'is a directory, not a scenario file');
    if (code === 'EACCES') fail(file, 'permission denied');
    fail(file, `cannot read: ${code ?? String(error)}`);
  }
  if (bytes.length > SCENARIO_FILE_BYTES_MAX) fail(file, `file is larger than SCENARIO_FILE_BYTES_MAX (${SCENARIO_FILE_BYTES_MAX} bytes)`);
  if (bytes.includes(0)) fail(file, 'file is binary (it contains NUL bytes), not YAML or JSON');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail(file, 'file is binary (not UTF-8 text), not YAML or JSON');
  }
  return parseScenarioText(text, file, overrides);
}

/** Parses and validates scenario text (YAML or JSON). Pure: used by tests and by failure files. */
export function parseScenarioText(text: string, file: string, overrides: readonly string[] = []): LoadedScenario {
  if (text.includes('\u0000')) fail(file, 'file is binary (it contains NUL bytes), not YAML or JSON');
  if (text.trim() === '') fail(file, 'file is empty; a scenario is a YAML mapping (name: ..., servers: ...)');
  if (/\.json$/i.test(file)) checkStrictJson(text, file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    fail(file, `YAML syntax error: ${syntax.message.split('\n')[0]}`, '', line);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: YAML_ALIASES_MAX });
  } catch (error) {
    fail(file, `YAML cannot be read: ${(error as Error).message.split('\n')[0]}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const got = raw === null ? 'nothing' : Array.isArray(raw) ? 'a list' : `a ${typeof raw}`;
    fail(file, `the top level must be a mapping of scenario fields, got ${got}`, '', 1);
  }
  const applied = overrides.map((override) => applyOverride(raw as Record<string, unknown>, override, file));
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ScenarioError(zodIssues(parsed.error.issues, file, doc, lineCounter, applied));
  }
  return { file, scenario: parsed.data, overrides: [...overrides] };
}

/**
 * A .json file is strict JSON (no trailing commas, comments or single quotes), though it is then
 * read like YAML for the line numbers of field errors: YAML would accept what JSON refuses.
 */
function checkStrictJson(text: string, file: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : undefined;
    fail(file, `JSON syntax error: ${message.replace(/ in JSON at position \d+.*$/, '').split('\n')[0]}`, '', line);
  }
}

// ---- --set PATH=VALUE ----

interface AppliedOverride {
  readonly text: string;
  readonly path: readonly string[];
}

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Sets one field. VALUE is read as YAML (`0.05`, `keep-uids`, `[a, b]`, `false`); an empty
 * value or `null` removes the field so that it is drawn from the seed again.
 */
function applyOverride(root: Record<string, unknown>, override: string, file: string): AppliedOverride {
  const eq = override.indexOf('=');
  const pathText = eq < 0 ? '' : override.slice(0, eq).trim();
  const bad = (reason: string): never => fail(file, `--set ${override}: ${reason}`, pathText);
  if (eq < 0 || pathText === '') bad('expected PATH=VALUE (e.g. network.loss=0.05)');
  const path = pathText.split('.');
  if (path.some((segment) => segment === '' || FORBIDDEN_SEGMENTS.has(segment))) bad(`bad field path ${JSON.stringify(pathText)}`);
  let value: unknown;
  try {
    value = parseYaml(override.slice(eq + 1), { prettyErrors: false, maxAliasCount: YAML_ALIASES_MAX });
  } catch (error) {
    bad(`VALUE is not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  // In a list, a segment is an index up to its length (the length appends).
  const keyIn = (parent: Record<string, unknown> | unknown[], i: number): string | number => {
    const segment = path[i] as string;
    if (!Array.isArray(parent)) return segment;
    const index = /^\d+$/.test(segment) ? Number(segment) : -1;
    if (index < 0 || index > parent.length) bad(`${segment} is not an index of the list at ${path.slice(0, i).join('.')}`);
    return index;
  };
  let parent: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = keyIn(parent, i);
    let next = (parent as Record<string | number, unknown>)[key];
    if (next === undefined || next === null) {
      next = /^\d+$/.test(path[i + 1] ?? '') ? [] : {};
      (parent as Record<string | number, unknown>)[key] = next;
    }
    if (typeof next !== 'object') bad(`${path.slice(0, i + 1).join('.')} is not a mapping or a list`);
    parent = next as Record<string, unknown> | unknown[];
  }
  const lastKey = keyIn(parent, path.length - 1);
  if (value === null || value === undefined) {
    if (Array.isArray(parent)) parent.splice(lastKey as number, 1);
    else delete parent[lastKey];
  } else {
    (parent as Record<string | number, unknown>)[lastKey] = value;
  }
  return { text: override, path };
}

// ---- zod issues -> file, path, line ----

type ZodIssue = z.core.$ZodIssue;

/** The key node of the pair `key` in a YAML map, or the item of a sequence. */
function child(node: unknown, segment: PropertyKey): { node: unknown; at: Node | null } | null {
  if (isMap(node)) {
    const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
    if (pair === undefined) return null;
    return { node: pair.value, at: (isScalar(pair.key) ? pair.key : (pair.value as Node | null)) ?? null };
  }
  if (isSeq(node)) {
    const item = node.items[Number(segment)];
    return item === undefined ? null : { node: item, at: item as Node };
  }
  return null;
}

/** The line of the deepest node on `path` present in the file (1-based). */
function lineOf(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = doc.contents;
  let at: Node | null = (doc.contents as Node | null) ?? null;
  for (const segment of path) {
    const next = child(node, segment);
    if (next === null) break;
    node = next.node;
    at = next.at ?? at;
  }
  const offset = at?.range?.[0];
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}

/** True when a union branch failed only because the value is of another type. */
function wrongTypeOnly(branch: readonly ZodIssue[]): boolean {
  return branch.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));
}

/**
 * For a union that matched no branch: the first issue of the branch the value came closest
 * to (fewest issues, then deepest), or "expected X or Y" when every branch wanted another type.
 */
function unionIssue(issue: ZodIssue & { code: 'invalid_union' }): ZodIssue {
  const branches = issue.errors.filter((b) => b.length > 0);
  const near = branches.filter((b) => !wrongTypeOnly(b));
  if (near.length > 0) {
    const depth = (b: readonly ZodIssue[]): number => Math.max(...b.map((i) => i.path.length));
    const best = near.reduce((a, b) => (b.length < a.length || (b.length === a.length && depth(b) > depth(a)) ? b : a));
    const first = best[0] as ZodIssue;
    // Several branches that differ only in one literal ({kind: flat} | {kind: fanout}): list them all.
    const sameSpot = near.map((b) => b[0] as ZodIssue).filter((i) => i.code === 'invalid_value' && pathText(i.path) === pathText(first.path));
    if (first.code === 'invalid_value' && sameSpot.length > 1) {
      const values = [...new Set(sameSpot.flatMap((i) => (i.code === 'invalid_value' ? i.values.map((v) => JSON.stringify(v)) : [])))];
      return { ...first, path: [...issue.path, ...first.path], message: `expected ${values.join(' or ')}` } as ZodIssue;
    }
    const inner = first.code === 'invalid_union' ? unionIssue(first) : first;
    return { ...inner, path: [...issue.path, ...inner.path] } as ZodIssue;
  }
  const expected = branches.flatMap((b) =>
    b.flatMap((i) => (i.code === 'invalid_type' ? [String(i.expected)] : i.code === 'invalid_value' ? i.values.map((v) => JSON.stringify(v)) : [])),
  );
  const unique = [...new Set(expected)];
  return { ...issue, message: unique.length > 0 ? `expected ${unique.join(' or ')}` : issue.message } as ZodIssue;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function zodIssues(
  issues: readonly ZodIssue[],
  file: string,
  doc: Document,
  lineCounter: LineCounter,
  overrides: readonly AppliedOverride[],
): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  const add = (path: readonly PropertyKey[], reason: string): void => {
    const segments = path.map(String);
    // The last override on this field (or on a field containing it, or inside it) is to blame.
    const override = [...overrides].reverse().find((o) => o.path.every((s, i) => i >= segments.length || segments[i] === s));
    if (override !== undefined) {
      out.push({ file, path: pathText(path), reason: `${reason} (from --set ${override.text})` });
      return;
    }
    const line = lineOf(doc, lineCounter, path);
    out.push(line === undefined ? { file, path: pathText(path), reason } : { file, path: pathText(path), line, reason });
  };
  for (const original of issues) {
    const issue = original.code === 'invalid_union' ? unionIssue(original) : original;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...issue.path, key], 'unknown field');
    } else {
      add(issue.path, issue.message.endsWith('received undefined') ? 'required field is missing' : issue.message);
    }
  }
  return out.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}
