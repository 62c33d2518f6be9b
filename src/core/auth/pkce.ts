import { calculatePKCECodeChallenge, randomPKCECodeVerifier, randomState } from 'openid-client';

/** A PKCE pair (RFC 7636): the verifier stays in memory, the S256 challenge travels. */
export interface PkcePair {
  verifier: string;
  challenge: string;
}

/** Makes a fresh verifier (43 base64url characters of randomness) and its S256 challenge. */
export async function createPkcePair(): Promise<PkcePair> {
  const verifier = randomPKCECodeVerifier();
  return { verifier, challenge: await calculatePKCECodeChallenge(verifier) };
}

/** BASE64URL(SHA-256(verifier)), the only challenge method either side accepts. */
export function s256(verifier: string): Promise<string> {
  return calculatePKCECodeChallenge(verifier);
}

/** A random, unguessable `state` value for one sign-in. */
export function createState(): string {
  return randomState();
}

/** RFC 7636 §4.1: a verifier is 43 to 128 characters from the unreserved set. */
export const PKCE_VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/** An S256 challenge is 43 base64url characters (a SHA-256 digest without padding). */
export const PKCE_CHALLENGE_PATTERN = /^[A-Za-z0-9\-_]{43}$/;

/** True for a verifier of PKCE_VERIFIER_PATTERN. */
export function isWellFormedVerifier(value: string): boolean {
  return PKCE_VERIFIER_PATTERN.test(value);
}

/** True for a challenge of PKCE_CHALLENGE_PATTERN. */
export function isWellFormedChallenge(value: string): boolean {
  return PKCE_CHALLENGE_PATTERN.test(value);
}
