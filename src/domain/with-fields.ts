/**
 * `{ ...base, ...fields }`, written as Object.assign on purpose: in V8 (Node 20) an object spread followed by a key the
 * source lacks (`{ ...episode, endedAt }`, or any key a state read back from storage dropped as undefined) takes the
 * runtime's slow path and gives every result a hidden class of its own, about 2 µs per call and megamorphic reads of
 * every episode after it; Object.assign gives the same own keys, order and values with shared hidden classes; pure.
 */
export function withFields<T extends object>(base: T, fields: Partial<T>): T {
  return Object.assign({}, base, fields);
}

/** `held` when it equals `value`: the same string, without keeping a second copy of it alive; pure. */
export function keep<T>(held: T, value: T): T {
  return held === value ? held : value;
}
