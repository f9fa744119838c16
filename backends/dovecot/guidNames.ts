/**
 * The simulator's names for the messages of a Dovecot cluster. Dovecot's GUID (the Maildir
 * base name) names a message's content: a MOVE keeps it, and so does a COPY, so one GUID can
 * live in two mailboxes of a store; and it carries the wall clock and a pid, so it differs
 * from run to run. The checkers' model is IMAP's (a move keeps a message's identity, a copy is
 * a new message), and a run should name its messages the same way each time. So a message is
 * named by (mailbox, Dovecot GUID), once for the whole cluster, the same on every replica
 * dsync copies it to, with a counter in the order the simulator first reads it back
 * (`dsync-1`, `dsync-2`, ...; a store is read mailbox by mailbox, by ascending UID):
 * - the target of a MOVE this backend ran takes the source's name;
 * - the target of a COPY, and any message first seen, gets a name of its own.
 * Clients pick messages from what they were shown, so stable names keep those picks stable.
 *
 * One mailbox of one store can hold the same GUID more than once: Cyrus's GUID is the SHA-1 of
 * the message, so a second record of the same bytes (a copy its replication made) has the
 * first one's GUID. Each record is a message a client can see, fetch and expunge, so each
 * gets a name: records are told apart by their rank among the mailbox's records with that
 * GUID, by ascending UID (placeKeys).
 */
export const DSYNC_NAME_PREFIX = 'dsync-';

export class GuidNames {
  private readonly byPlace = new Map<string, string>();
  private counter = 0;

  /** `prefix` starts every name: the backend's (`dsync-`, `cyrus-`), so a final state says whose it is. */
  constructor(private readonly prefix: string = DSYNC_NAME_PREFIX) {}

  private static place(mailbox: string, guid: string): string {
    return `${mailbox}\u0000${guid}`;
  }

  nameOf(mailbox: string, guid: string): string {
    const place = GuidNames.place(mailbox, guid);
    const known = this.byPlace.get(place);
    if (known !== undefined) return known;
    return this.fresh(place);
  }

  /** A MOVE from `from` to `to` of `guid`: the target keeps the source's name. */
  moved(from: string, to: string, guid: string): void {
    this.byPlace.set(GuidNames.place(to, guid), this.nameOf(from, guid));
  }

  /** A COPY to `to` of `guid`: the copy is a message of its own. */
  copied(to: string, guid: string): void {
    const place = GuidNames.place(to, guid);
    if (!this.byPlace.has(place)) this.fresh(place);
  }

  private fresh(place: string): string {
    this.counter++;
    const name = `${this.prefix}${this.counter}`;
    this.byPlace.set(place, name);
    return name;
  }
}

/**
 * The key each message of one mailbox is named by, for messages in ascending UID order: its
 * GUID for the first record with that GUID, and the GUID with the record's rank for any later
 * one, so a duplicate record is a message of its own and not hidden behind the first.
 */
export function placeKeys(guids: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return guids.map((guid) => {
    const rank = (seen.get(guid) ?? 0) + 1;
    seen.set(guid, rank);
    return rank === 1 ? guid : `${guid}#${rank}`;
  });
}
