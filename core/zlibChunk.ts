/**
 * The output chunk to hand node:zlib's sync calls. By default each call allocates a 16 KiB
 * chunk however small its result, and most objects here are tens of bytes (tree deltas,
 * flag-change trees): that allocation, and the garbage it leaves, was a tenth of a cluster
 * run. A chunk the size of the expected result holds it in one piece; a larger result just
 * takes more chunks, so the bytes are the same either way.
 */
/** zlib's smallest chunk (Z_MIN_CHUNK). */
export const ZLIB_CHUNK_BYTES_MIN = 64;
/** Past this, a result takes several chunks rather than one big allocation. */
export const ZLIB_CHUNK_BYTES_MAX = 1024 * 1024;
/** Deflate's worst case over its input: 5 bytes per stored block and the zlib frame. */
const DEFLATE_OVERHEAD_BYTES = 64;

/** The chunk for inflating to `outputBytes` (known from a header). */
export function inflateChunkFor(outputBytes: number): number {
  return Math.min(ZLIB_CHUNK_BYTES_MAX, Math.max(ZLIB_CHUNK_BYTES_MIN, outputBytes + 1));
}

/** The chunk for deflating `inputBytes`. */
export function deflateChunkFor(inputBytes: number): number {
  return Math.min(ZLIB_CHUNK_BYTES_MAX, Math.max(ZLIB_CHUNK_BYTES_MIN, inputBytes + DEFLATE_OVERHEAD_BYTES));
}
