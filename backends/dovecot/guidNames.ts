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
