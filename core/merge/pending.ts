/** A merged message before its UID is settled. */
import type { Message } from '../state.ts';
import type { Located } from './changed.ts';

export interface Pending {
  readonly guid: string;
  readonly flags: readonly string[];
  readonly ours: Located | undefined;
  readonly theirs: Located | undefined;
  readonly any: Message;
  /** Moved since the merge base on some side (in another mailbox than the base's). */
  readonly moved: boolean;
}
