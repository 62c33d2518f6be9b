// Runs last (files run in name order): every token the suite obtained was recorded; none of them may appear
// in any log or state file of this run (the hub's log with the service's trace output, the clients' trace
// log, the hub's database, the settings), nor in the repository's files that a run could write to.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';

import { useHub } from '../hub/fixture';
import { REPO_ROOT, type HubHandle } from '../hub/harness';
import { CLIENT_TRACE_LOG, ISSUED_TOKENS_FILE, issuedTokens } from './support/secrets';

let hub: HubHandle;

before(async () => {
  hub = await useHub();
});

function filesBelow(dir: string, skip: (p: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (skip(full)) continue;
    if (entry.isDirectory()) out.push(...filesBelow(full, skip));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

function occurrences(haystack: Buffer, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) count++;
  return count;
}

test('no token obtained during the suite appears in any log, database or settings file', () => {
  const tokens = issuedTokens();
  assert.ok(tokens.length >= 10, `only ${tokens.length} tokens were recorded: the suite did not run first?`);
  const stateFiles = filesBelow(hub.stateDir, (p) => p.endsWith(ISSUED_TOKENS_FILE));
  const repoFiles = filesBelow(REPO_ROOT, (p) => /\/(node_modules|\.git)$/.test(p) || p.endsWith('.vsix'));
  const files = [...stateFiles, ...repoFiles];
  for (const required of ['hub.log', 'jupyterhub.sqlite', 'settings.json', CLIENT_TRACE_LOG]) {
    assert.ok(
      stateFiles.some((f) => f.endsWith(required)),
      `${required} was not there to check`,
    );
  }
  const hubLog = fs.readFileSync(path.join(hub.stateDir, 'hub.log'), 'utf8');
  assert.match(hubLog, /\[hub-notebooks\] trace: /, 'the service logged at trace level');
  assert.ok(fs.statSync(path.join(hub.stateDir, CLIENT_TRACE_LOG)).size > 0, 'the clients logged');
  // The search itself works: the recording file holds every token.
  const recorded = fs.readFileSync(path.join(hub.stateDir, ISSUED_TOKENS_FILE));
  assert.ok(tokens.every((t) => occurrences(recorded, t) > 0));

  const leaks: string[] = [];
  for (const file of files) {
    const content = fs.readFileSync(file);
    for (const token of tokens) {
      const n = occurrences(content, token);
      if (n > 0) leaks.push(`${path.relative('/', file)}: ${n} time(s), token ${token.slice(0, 4)}…`);
    }
  }
  console.log(
    `# ${hub.flavor}: ${tokens.length} tokens × ${files.length} files searched, ${leaks.length} leaks`,
  );
  assert.deepEqual(leaks, [], 'token values found outside SecretStorage');
});
