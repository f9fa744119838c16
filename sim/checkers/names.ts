/**
 * The one list of checker names, in display order. The checker registry (index.ts), the
 * scenario schema, the reports and the docs read it.
 */
export const CHECK_NAMES = [
  'uid-stable',
  'uid-order',
  'uidvalidity',
  'no-lost-mail',
  'no-lost-flags',
  'keyword-set',
  'no-resurrection',
  'no-duplicates',
  'modseq',
  'move-atomic',
  'convergence',
  'lease-exclusive',
  'completions',
  'real-clients',
] as const;

export type CheckName = (typeof CHECK_NAMES)[number];
