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
 * gets a name of its own, and keeps it while the record lives:
 * - a record a server showed before (same mailbox, UIDVALIDITY, UID and GUID) keeps its name;
 * - a record new on the server takes the first name of its (mailbox, GUID) no other record of
 *   that read holds (a message renumbered, or carried from a peer, keeps its name), else a
 *   fresh one: the second copy.
 */
export const DSYNC_NAME_PREFIX = 'dsync-';

/** One record as a store shows it: its UID and the store's GUID. */
export interface GuidRecord {
  readonly uid: number;
  readonly guid: string;
}

export class GuidNames {
  /** (mailbox, GUID) -> the names of its copies, first the original. */
  private readonly byPlace = new Map<string, string[]>();
  /** (server, mailbox) -> `${uidValidity} ${uid}` -> the record's GUID and name, as last read. */
  private readonly shown = new Map<string, Map<string, GuidRecord & { readonly name: string }>>();
  private counter = 0;

  /** `prefix` starts every name: the backend's (`dsync-`, `cyrus-`), so a final state says whose it is. */
  constructor(private readonly prefix: string = DSYNC_NAME_PREFIX) {}

  private static place(mailbox: string, guid: string): string {
    return `${mailbox}\u0000${guid}`;
  }

  /**
   * The names of one mailbox's records as `server` shows them now, in ascending UID order:
   * records it showed before keep their names, new ones take the first free name of their
   * GUID in that mailbox, or a fresh one.
   */
  nameRecords(server: string, mailbox: string, uidValidity: number, records: readonly GuidRecord[]): string[] {
    const key = `${server}\u0000${mailbox}`;
    const before = this.shown.get(key) ?? new Map<string, GuidRecord & { readonly name: string }>();
    const now = new Map<string, GuidRecord & { readonly name: string }>();
    const names: (string | undefined)[] = records.map((record) => {
      const known = before.get(`${uidValidity} ${record.uid}`);
      return known !== undefined && known.guid === record.guid ? known.name : undefined;
    });
    const used = new Set(names.filter((name) => name !== undefined));
    records.forEach((record, i) => {
      if (names[i] !== undefined) return;
      const place = GuidNames.place(mailbox, record.guid);
      const free = (this.byPlace.get(place) ?? []).find((name) => !used.has(name)) ?? this.fresh(place);
      used.add(free);
      names[i] = free;
    });
    records.forEach((record, i) => now.set(`${uidValidity} ${record.uid}`, { ...record, name: names[i] as string }));
    this.shown.set(key, now);
    return names as string[];
  }

  /** A MOVE from `from` to `to` of the record named `name` with `guid`: the target keeps the name. */
  moved(name: string, to: string, guid: string): void {
    const place = GuidNames.place(to, guid);
    const names = this.byPlace.get(place) ?? [];
    if (!names.includes(name)) this.byPlace.set(place, [name, ...names]);
  }

  /** A COPY to `to` of `guid`: the copy is a message of its own. */
  copied(to: string, guid: string): void {
    const place = GuidNames.place(to, guid);
    if (!this.byPlace.has(place)) this.fresh(place);
  }

  private fresh(place: string): string {
    this.counter++;
    const name = `${this.prefix}${this.counter}`;
    this.byPlace.set(place, [...(this.byPlace.get(place) ?? []), name]);
    return name;
  }
}
