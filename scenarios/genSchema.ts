/**
 * Generates scenarios/schema.json (JSON Schema for editor completion) from the zod schema.
 * Regenerate with: npx tsx scenarios/genSchema.ts > scenarios/schema.json
 * test/scenarios/schema.test.ts fails when the committed file differs from this output.
 * Cross-field rules (known server names...) are not expressible here; the loader checks them.
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { scenarioSchema } from './schema.ts';

export function scenarioJsonSchemaText(): string {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  const titled = { title: 'mailsim scenario', ...schema };
  return `${JSON.stringify(titled, null, 2)}\n`;
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(invokedPath).href) {
  process.stdout.write(scenarioJsonSchemaText());
}
