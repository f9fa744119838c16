/**
 * A message on the simulated wire is a value, as bytes on a real link are: what the sender
 * does to its objects after sending, and what one receiver does to what it got, never
 * reaches another receiver. The network copies a payload when it is sent and again for
 * each delivery (a duplicated message is delivered twice), and freezes every copy, so a
 * receiver that writes into a payload's objects or arrays throws (modules run in strict
 * mode) instead of quietly changing a later delivery.
 *
 * Byte arrays (a git pack) cannot be frozen: JavaScript refuses to freeze a typed array
 * that has elements. They are copied instead, once at the send and once per delivery,
 * which costs a memcpy of what crosses the wire (2.8 MB over the whole of swarm-5 seed 1).
 *
 * Payloads are plain data: objects, arrays, strings, numbers, booleans, null and byte
 * arrays. A Map, a Set, a class instance or a function has no value semantics on a wire
 * and is refused.
 */
import { assert } from '../core/errors.ts';

/** Nesting a payload may have: far more than any message needs, and no cycle can pass it. */
export const payloadDepthMax = 32;

/** A frozen deep copy of `payload`, with every byte array copied. */
export function wireCopy<P>(payload: P): P {
  return copyValue(payload, 0) as P;
}

function copyValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') {
    assert(typeof value !== 'function' && typeof value !== 'symbol', `a message payload holds a ${typeof value}: payloads are plain data`);
    return value;
  }
  assert(depth < payloadDepthMax, `a message payload nests deeper than ${payloadDepthMax} (a cycle?)`);
  if (ArrayBuffer.isView(value)) {
    assert(value instanceof Uint8Array, `a message payload holds a ${value.constructor.name}: only Uint8Array bytes cross the wire`);
    // A Buffer stays a Buffer (receivers may use its methods); the copy never shares memory.
    return Buffer.isBuffer(value) ? Buffer.from(value) : new Uint8Array(value);
  }
  if (Array.isArray(value)) return Object.freeze(value.map((item) => copyValue(item, depth + 1)));
  const prototype = Object.getPrototypeOf(value) as unknown;
  assert(prototype === Object.prototype || prototype === null, `a message payload holds a ${describe(value)}: payloads are plain data`);
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) copy[key] = copyValue(inner, depth + 1);
  return Object.freeze(copy);
}

function describe(value: object): string {
  return (value as { constructor?: { name?: string } }).constructor?.name ?? 'object without a prototype';
}
