// Typed arrays that grow as rows arrive: twice as long each time, so a row costs one copy on average.

/** A copy of `array` twice as long. */
export function doubled(array: Uint32Array): Uint32Array {
  const larger = new Uint32Array(array.length * 2);
  larger.set(array);
  return larger;
}
