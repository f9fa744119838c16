/**
 * A command's results written into a document between two marker lines, so a rerun replaces
 * its figures and nothing else (`bench find --markdown`, `diff --markdown`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { MailsimError } from '../core/errors.ts';

export interface MarkedSection {
  /** The option that named the document, for errors: `--markdown`. */
  readonly option: string;
  readonly startMarker: string;
  readonly endMarker: string;
}

/** The document's text, refused with the option's name when it cannot be read or has no section: check before a long measurement. */
export async function readMarkedDocument(path: string, section: MarkedSection): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new MailsimError('E_BAD_OPTION', `${section.option} ${path}: cannot read it (${(error as Error).message})`, { path });
  }
  const start = text.indexOf(section.startMarker);
  const end = text.indexOf(section.endMarker);
  if (start < 0 || end < start) throw new MailsimError('E_BAD_OPTION', `${section.option} ${path}: it has no results section (the lines ${section.startMarker} and ${section.endMarker})`, { path });
  return text;
}

/** Replaces the text between the section's markers in `path` with `body`. */
export async function replaceMarkedSection(path: string, section: MarkedSection, body: string): Promise<void> {
  const text = await readMarkedDocument(path, section);
  const start = text.indexOf(section.startMarker);
  const end = text.indexOf(section.endMarker);
  const before = text.slice(0, start + section.startMarker.length);
  await writeFile(path, `${before}\n${body}${text.slice(end)}`);
}
