/** Cutting a byte string into reads, as a socket might deliver it: for tests of decoders that keep state across reads. */

/** `bytes` cut at `cuts` (offsets taken modulo its length plus one, any order, repeats ignored), in order. */
export function chunks(bytes: Uint8Array, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    out.push(Buffer.from(bytes.subarray(from, c)));
    from = c;
  }
  return out;
}
