// Proves that the committed scenarios/schema.json equals the JSON Schema generated from the zod schema, and that the checker list matches sim/checkers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchemaText } from '../../scenarios/genSchema.ts';
import { CHECK_NAME_LIST } from '../../scenarios/schema.ts';

describe('scenarios/schema.json', () => {
  it('is up to date (regenerate: npx tsx scenarios/genSchema.ts > scenarios/schema.json)', () => {
    const committed = readFileSync(new URL('../../scenarios/schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(scenarioJsonSchemaText());
  });

  it('describes the strict top level and the enums', () => {
    const schema = JSON.parse(scenarioJsonSchemaText()) as { additionalProperties: unknown; properties: Record<string, { enum?: string[] }> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties['strategy']?.enum).toContain('renumber');
    expect(Object.keys(schema.properties)).toContain('faults');
  });
});

describe('CHECK_NAME_LIST', () => {
  it('has every checker name once', () => {
    expect(new Set(CHECK_NAME_LIST).size).toBe(CHECK_NAME_LIST.length);
    expect(CHECK_NAME_LIST).toHaveLength(14);
  });
});
