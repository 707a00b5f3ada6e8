// Keccak-256 (the Ethereum variant: 0x01 padding), for the in-browser twin audit. Plain JavaScript
// on BigInt lanes: slow next to native code, fast enough for records of a few kilobytes.
(function (global) {
  'use strict';
  const M = (1n << 64n) - 1n;
  const RC = [
    0x0000000000000001n, 0x0000000000008082n, 0x800000000000808an, 0x8000000080008000n,
    0x000000000000808bn, 0x0000000080000001n, 0x8000000080008081n, 0x8000000000008009n,
    0x000000000000008an, 0x0000000000000088n, 0x0000000080008009n, 0x000000008000000an,
    0x000000008000808bn, 0x800000000000008bn, 0x8000000000008089n, 0x8000000000008003n,
    0x8000000000008002n, 0x8000000000000080n, 0x000000000000800an, 0x800000008000000an,
    0x8000000080008081n, 0x8000000000008080n, 0x0000000080000001n, 0x8000000080008008n];
  // rotation offsets r[x][y]
  const R = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56],
    [27, 20, 39, 8, 14]];
  function rotl(v, n) {
    if (n === 0) return v;
    const b = BigInt(n);
    return ((v << b) | (v >> (64n - b))) & M;
  }
  function permute(s) {
    const c = new Array(5);
    const b = new Array(25);
    for (let round = 0; round < 24; round++) {
      for (let x = 0; x < 5; x++) c[x] = s[x] ^ s[x + 5] ^ s[x + 10] ^ s[x + 15] ^ s[x + 20];
      for (let x = 0; x < 5; x++) {
        const d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
        for (let y = 0; y < 5; y++) s[x + 5 * y] ^= d;
      }
      for (let x = 0; x < 5; x++) {
        for (let y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(s[x + 5 * y], R[x][y]);
      }
      for (let x = 0; x < 5; x++) {
        for (let y = 0; y < 5; y++) {
          s[x + 5 * y] = b[x + 5 * y] ^ ((~b[(x + 1) % 5 + 5 * y] & M) & b[(x + 2) % 5 + 5 * y]);
        }
      }
      s[0] ^= RC[round];
    }
  }
  /** keccak256 of a Uint8Array, as a Uint8Array of 32 bytes. */
  function keccak256(bytes) {
    const rate = 136;
    const s = new Array(25).fill(0n);
    const padded = new Uint8Array(bytes.length + rate - (bytes.length % rate));
    padded.set(bytes);
    padded[bytes.length] ^= 0x01;
    padded[padded.length - 1] ^= 0x80;
    for (let off = 0; off < padded.length; off += rate) {
      for (let i = 0; i < rate / 8; i++) {
        let v = 0n;
        for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(padded[off + i * 8 + k]);
        s[i] ^= v;
      }
      permute(s);
    }
    const out = new Uint8Array(32);
    for (let i = 0; i < 4; i++) {
      let v = s[i];
      for (let k = 0; k < 8; k++) {
        out[i * 8 + k] = Number(v & 0xffn);
        v >>= 8n;
      }
    }
    return out;
  }
  global.keccak256 = keccak256;
  if (typeof module !== 'undefined') module.exports = { keccak256 };
})(typeof window !== 'undefined' ? window : globalThis);
