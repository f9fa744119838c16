/**
 * The end-of-run audit of message bodies on a volume a disk fault may have changed: each body
 * read back through the replica (as it would serve it) must hash to the blob id its state
 * names. A replica that checks its reads refuses a wrong body (and would repair it); one that
 * trusts them hands it over, and the checkers count that message as lost there.
 */
import { allMessages } from '../../../core/messageMap.ts';
import { frame, objectId } from '../../../core/objects.ts';
import type { Replica } from '../../../core/replica/replica.ts';

/** GUIDs whose body `replica` reads back as other bytes, sorted; a refused read serves nothing wrong. */
export async function wrongBodies(replica: Replica): Promise<string[]> {
  const wrong: string[] = [];
  for (const mailbox of replica.state.mailboxes.values()) {
    for (const message of allMessages(mailbox.messages)) {
      const read = await replica.readObject(message.blobId).catch(() => null);
      if (read !== null && objectId(frame('blob', read.content)) !== message.blobId) wrong.push(message.guid);
    }
  }
  return wrong.sort();
}
