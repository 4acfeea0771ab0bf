// The reference implementation the hash is checked against ships no types.
declare module 'murmurhash3js-revisited' {
  const murmur: {
    readonly x86: { hash128(bytes: Uint8Array, seed?: number): string };
  };
  export default murmur;
}
