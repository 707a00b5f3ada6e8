// TwinAnchor's Merkle scheme in the browser, as io.bdt.contracts.merkle.MerkleTree computes it:
// leaf = keccak256(0x00 || item), node = keccak256(0x01 || min(a, b) || max(a, b)) (unsigned
// order), and the ABI encoding of the two TwinAnchor calls the audit makes.
(function (global) {
  'use strict';
  const k = global.keccak256 || require('./keccak.js').keccak256;
  function hexToBytes(hex) {
    const h = hex.startsWith('0x') ? hex.slice(2) : hex;
    if (h.length % 2 !== 0 || /[^0-9a-fA-F]/.test(h)) throw new Error('not hex: ' + hex.slice(0, 20));
    const out = new Uint8Array(h.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(2 * i, 2), 16);
    return out;
  }
  function bytesToHex(b) {
    return '0x' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }
  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }
  function compare(a, b) {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  }
  function leafHash(item) { return k(concat(Uint8Array.of(0), item)); }
  function nodeHash(a, b) {
    return compare(a, b) < 0 ? k(concat(Uint8Array.of(1), a, b)) : k(concat(Uint8Array.of(1), b, a));
  }
  /** The root that proof (sibling hashes, hex, bottom-up) leads to from item (bytes). */
  function rootOf(item, proof) {
    let node = leafHash(item);
    for (const s of proof) node = nodeHash(node, hexToBytes(s));
    return node;
  }
  function selector(signature) {
    return bytesToHex(k(new TextEncoder().encode(signature)).slice(0, 4));
  }
  function word(n) {
    return BigInt(n).toString(16).padStart(64, '0');
  }
  function padded(bytes) {
    const h = bytesToHex(bytes).slice(2);
    return h + '0'.repeat((64 - (h.length % 64)) % 64);
  }
  /** Calldata of TwinAnchor.verify(uint256 anchorId, bytes item, bytes32[] proof). */
  function verifyCall(anchorId, item, proof) {
    const itemPart = word(item.length) + padded(item);
    const proofOffset = 96 + itemPart.length / 2;
    const proofPart = word(proof.length) + proof.map((p) => p.replace(/^0x/, '').padStart(64, '0')).join('');
    return selector('verify(uint256,bytes,bytes32[])') + word(anchorId) + word(96) + word(proofOffset) + itemPart + proofPart;
  }
  /** Calldata of TwinAnchor.anchorOf(uint256). */
  function anchorOfCall(anchorId) {
    return selector('anchorOf(uint256)') + word(anchorId);
  }
  const api = { hexToBytes, bytesToHex, leafHash, nodeHash, rootOf, verifyCall, anchorOfCall, selector };
  global.Merkle = api;
  if (typeof module !== 'undefined') module.exports = api;
})(typeof window !== 'undefined' ? window : globalThis);
