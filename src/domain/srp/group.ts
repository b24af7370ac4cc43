// The SRP-6a group and byte conventions that Cognito's clients use (docs/signin-internals.md,
// "SRP"): the 3072-bit MODP prime of RFC 3526 / RFC 5054, g = 2, SHA-256, and PAD(i) = the
// minimal big-endian two's-complement bytes of i (a leading 00 when the top bit is set).
import { createDiffieHellman, createHash, type DiffieHellman } from "node:crypto";

const N_HEX =
  "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
  "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
  "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
  "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
  "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
  "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
  "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
  "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

export const N = BigInt(`0x${N_HEX}`);
export const G = 2n;
/** Bytes of N: group elements written at fixed width for the exponentiation engine. */
export const N_BYTES = N_HEX.length / 2;

/** Lowercase hex of a non-negative integer, no padding: the wire form of SRP_A, SRP_B, SALT. */
export function hex(i: bigint): string {
  return i.toString(16);
}

/** PAD(i) as hex: even length, then `00` in front when the first nibble is 8–f. */
export function padHex(i: bigint): string {
  let h = i.toString(16);
  if (h.length % 2 === 1) h = `0${h}`;
  return /^[89a-f]/.test(h) ? `00${h}` : h;
}

export function pad(i: bigint): Buffer {
  return Buffer.from(padHex(i), "hex");
}

export function fromBytes(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString("hex")}`);
}

/** Big-endian bytes of `i`, left-padded to `width`. */
export function toFixedBytes(i: bigint, width: number): Buffer {
  return Buffer.from(i.toString(16).padStart(width * 2, "0"), "hex");
}

/**
 * A hex integer as clients send it (`BigInteger(x, 16)`), or null. Upper case and leading
 * zeros are accepted; the length is capped so a huge string cannot cost a huge parse.
 */
export function parseHexInt(s: string, maxDigits = 2 * N_BYTES + 64): bigint | null {
  if (s.length === 0 || s.length > maxDigits || !/^[0-9a-fA-F]+$/.test(s)) return null;
  return BigInt(`0x${s}`);
}

export function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
}

/** k = H(PAD(N) ‖ PAD(g)): PAD(g) is the single byte 02, not g padded to the width of N. */
export const K = fromBytes(sha256(pad(N), pad(G)));

// Modular exponentiation runs in OpenSSL through a Diffie-Hellman object over this group:
// setPrivateKey(e) then computeSecret(x) is exactly x^e mod N, constant-time in e, and about
// ten times faster than a BigInt square-and-multiply for these sizes (docs/signin-internals.md,
// "Speed"). One object serves every call: each call is synchronous and sets its own exponent.
let engine: DiffieHellman | undefined;

function dh(): DiffieHellman {
  engine ??= createDiffieHellman(toFixedBytes(N, N_BYTES), Buffer.from([Number(G)]));
  return engine;
}

/** base^exp mod N, for exp ≥ 0. */
export function modPow(base: bigint, exp: bigint): bigint {
  if (exp < 0n) throw new RangeError("negative exponent");
  const b = ((base % N) + N) % N;
  if (exp === 0n) return 1n;
  // OpenSSL refuses the public values 0, 1 and N−1 (they carry no secret); their powers are known.
  if (b === 0n || b === 1n) return b;
  if (b === N - 1n) return exp % 2n === 0n ? 1n : b;
  // For b coprime to the prime N, b^e = b^(e mod (N−1)) (Fermat); keeps the exponent below N.
  const e = exp >= N ? exp % (N - 1n) : exp;
  if (e === 0n) return 1n;
  const d = dh();
  d.setPrivateKey(Buffer.from(padHex(e), "hex"));
  return fromBytes(d.computeSecret(toFixedBytes(b, N_BYTES)));
}
