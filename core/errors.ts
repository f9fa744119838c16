/**
 * Typed errors for expected failures. Each has a literal `code` and structured `data`,
 * so callers (the CLI, the simulator) can react without parsing messages.
 * Assertions (`assert`) are for impossible states and are programmer errors.
 */
export class MailsimError<Code extends string = string, Data = Record<string, unknown>> extends Error {
  readonly code: Code;
  readonly data: Data;

  constructor(code: Code, message: string, data: Data) {
    super(message);
    this.name = 'MailsimError';
    this.code = code;
    this.data = data;
  }
}

/** A Maildir base name or mailbox name that could escape the store or corrupt it. */
export class HostileNameError extends MailsimError<'E_HOSTILE_NAME', { kind: 'base' | 'mailbox'; name: string; reason: string }> {
  constructor(kind: 'base' | 'mailbox', name: string, reason: string) {
    super('E_HOSTILE_NAME', `refused ${kind} name ${JSON.stringify(name)}: ${reason}`, { kind, name, reason });
    this.name = 'HostileNameError';
  }
}

/** An IMAP operation that the replica refuses (NO): unknown mailbox, unknown UID, mailbox exists... */
export class ImapNoError extends MailsimError<'E_IMAP_NO', { op: string; reason: string }> {
  constructor(op: string, reason: string) {
    super('E_IMAP_NO', `${op}: ${reason}`, { op, reason });
    this.name = 'ImapNoError';
  }
}

/** A named limit was exceeded (eventsMax, timeMsMax, messageSizeBytesMax...). */
export class LimitError extends MailsimError<'E_LIMIT', { limit: string; value: number; max: number }> {
  constructor(limit: string, value: number, max: number) {
    super('E_LIMIT', `limit ${limit} exceeded: ${value} > ${max}`, { limit, value, max });
    this.name = 'LimitError';
  }
}

/** Stored bytes do not hash to the object id they claim (transfer or storage corruption). */
export class ObjectIdMismatchError extends MailsimError<'E_OBJECT_ID', { expected: string; actual: string }> {
  constructor(expected: string, actual: string) {
    super('E_OBJECT_ID', `object id mismatch: expected ${expected}, got ${actual}`, { expected, actual });
    this.name = 'ObjectIdMismatchError';
  }
}

/** Asserts an invariant. A failure is a programmer error, never an expected condition. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
