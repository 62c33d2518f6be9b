// How the secret lint's positive corpus (secretCorpus.ts) is made: a seeded generator of fake values, so no
// token-shaped literal sits in the repository for other scanners to trip on, and builders that write each
// value into a source and an output the way notebooks do.

/** One secret shape, as a source writes it and as an output shows it. */
export interface SecretShape {
  /** A short, unique description, for test names. */
  name: string;
  /** The exact text a finding must cover (the token, or the URL holding a password). */
  secret: string;
  /** A Python code cell's source holding `secret`. */
  source: string;
  /** A code cell's output text holding `secret`. */
  output: string;
  /** Words the finding's message must hold (the kind). */
  label: string;
  /** The variable the fix reads, or undefined when the secret is only part of a literal and no fix applies. */
  env: string | undefined;
  /** The literal the fix replaces, when it is not `"${secret}"`. */
  literal?: string;
}

/** A generator of fake values: xorshift32 seeded from the shape's name, so every run builds the same corpus. */
export function generator(seed: string): (alphabet: string, length: number) => string {
  let state = 2166136261;
  for (const ch of seed) state = Math.imul(state ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (alphabet, length) => {
    let out = '';
    for (let i = 0; i < length; i++) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      out += alphabet[state % alphabet.length] ?? '';
    }
    return out;
  };
}

export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const ALNUM = UPPER + LOWER + DIGITS;
export const HEX = '0123456789abcdef';
export const B64 = `${ALNUM}+/`;
export const URLSAFE = `${ALNUM}_-`;

export type Gen = ReturnType<typeof generator>;

/** A shape written as `name = "token"` and printed after a colon: most token shapes are just that. */
export function plain(name: string, label: string, env: string, make: (g: Gen) => string): SecretShape {
  const secret = make(generator(name));
  return { name, secret, source: `value = "${secret}"\n`, output: `Connected with: ${secret}\n`, label, env };
}

/** A base64 body laid out in 64-character PEM lines. */
function pemBody(g: Gen, magic: string, length: number): string {
  const body = magic + g(B64, length - magic.length);
  return body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
}

export function pem(
  name: string,
  type: string,
  magic: string,
  length: number,
  label: string,
  env: string,
): SecretShape {
  const g = generator(name);
  const head = type === '' ? 'PRIVATE KEY' : `${type} PRIVATE KEY`;
  const secret = `-----BEGIN ${head}-----\n${pemBody(g, magic, length)}\n-----END ${head}-----`;
  return {
    name,
    secret,
    source: `key = """${secret}"""\n`,
    output: `${secret}\n`,
    label,
    env,
    literal: `"""${secret}"""`,
  };
}

/** A URL with a password, assigned to `conn` (a generic name, so the fix takes the kind's variable). */
export function url(name: string, make: (g: Gen) => string, label: string, env: string): SecretShape {
  const secret = make(generator(name));
  return { name, secret, source: `conn = "${secret}"\n`, output: `engine: ${secret}\n`, label, env };
}

/** A secret that is only part of a string, which gets a finding but no fix. */
export function partial(
  name: string,
  label: string,
  wrap: (secret: string) => string,
  make: (g: Gen) => string,
): SecretShape {
  const secret = make(generator(name));
  return {
    name,
    secret,
    source: `s = "${wrap(secret)}"\n`,
    output: `${wrap(secret)}\n`,
    label,
    env: undefined,
  };
}

export const pw = (g: Gen): string => `${g(LOWER, 4)}${g(DIGITS, 3)}${g(UPPER, 3)}${g(LOWER, 2)}`;

export function awsSecret(): SecretShape {
  const secret = generator('aws secret')(`${ALNUM}/+`, 39) + 'Q';
  return {
    name: 'AWS secret access key',
    secret,
    source: `aws_secret_access_key = "${secret}"\n`,
    output: `aws_secret_access_key = ${secret}\n`,
    label: 'AWS secret access key',
    env: 'AWS_SECRET_ACCESS_KEY',
  };
}

export function gcpServiceAccount(): SecretShape {
  const g = generator('gcp service account');
  const secret = `-----BEGIN PRIVATE KEY-----\\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' + g(B64, 600)}\\n-----END PRIVATE KEY-----`;
  const literal = `"${secret}\\n"`;
  return {
    name: 'GCP service-account private key',
    secret,
    source: `sa = {"type": "service_account", "private_key_id": "${g(HEX, 40)}",\n      "private_key": ${literal}}\n`,
    output: `{'type': 'service_account', 'private_key': '${secret}\\n'}\n`,
    label: 'Google Cloud service-account private key',
    env: 'PRIVATE_KEY',
    literal,
  };
}

export function npmrc(): SecretShape {
  const secret = `npm_${generator('npmrc')(ALNUM, 36)}`.replace(/^npm_/, 'NpmAuth');
  return {
    name: 'npm auth token in .npmrc',
    secret,
    source: `%%writefile .npmrc\n//registry.npmjs.org/:_authToken=${secret}\n`,
    output: `//registry.npmjs.org/:_authToken=${secret}\n`,
    label: 'npm auth token',
    env: undefined,
  };
}

export function jwt(): SecretShape {
  const g = generator('jwt');
  const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
  const payload = Buffer.from(`{"sub":"${g(DIGITS, 10)}","name":"Ada","iat":1516239022}`).toString(
    'base64url',
  );
  const secret = `${header}.${payload}.${g(URLSAFE, 43)}`;
  return {
    name: 'JSON Web Token',
    secret,
    source: `jwt = "${secret}"\n`,
    output: `${secret}\n`,
    label: 'JSON Web Token',
    env: 'JWT',
  };
}

export function basicHeader(): SecretShape {
  const secret = Buffer.from(`svc-reporting:${pw(generator('basic header'))}`).toString('base64');
  return partial(
    'Basic Authorization header',
    'basic-auth credential',
    (s) => `Authorization: Basic ${s}`,
    () => secret,
  );
}
