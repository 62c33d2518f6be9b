// test/hub/setup.sh decides which hub flavours it can install from what apt says. These tests source it in
// bash (sourcing runs none of its steps) with fake apt-cache, apt-get, dpkg-query, id and chown first on PATH,
// so nothing real is installed or changes owner, and call its functions.
//
// The fake apt-cache writes its candidate line and then about a megabyte more: far more than a pipe holds, so
// a reader that stops at the first match (`apt-cache policy X | grep -q ...`) makes it die of SIGPIPE, which
// under pipefail fails the whole check. That happened to the real apt-cache on a fresh machine 18 times in
// 30. The fake id answers uid 1000: if sourcing ever ran the script's main, its root check would stop it.
//
// HUB_SETUP_SCRIPT points these tests at another copy of the script (to show that they fail on an old one).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

const SETUP = path.resolve(process.env.HUB_SETUP_SCRIPT ?? 'test/hub/setup.sh');
const RUNS = 30;

let dir: string;
let bin: string;
let aptLog: string;

// Each fake reads its answers from FAKE_* variables, so one set of fakes serves every test.
const FAKES: Record<string, string> = {
  'apt-cache': `#!/bin/bash
# apt-cache policy PKG: no candidate for the packages in FAKE_NO_CANDIDATE, else 4.0.0 and a megabyte more.
[[ $1 == policy ]] || exit 2
printf '%s:\\n  Installed: (none)\\n' "$2"
if [[ " \${FAKE_NO_CANDIDATE:-} " == *" $2 "* ]]; then
  printf '  Candidate: (none)\\n'
  exit 0
fi
printf '  Candidate: 4.0.0\\n  Version table:\\n'
exec cat "$FAKE_BIG"
`,
  'apt-get': `#!/bin/bash
# Records what it was asked to do; installs nothing.
echo "$*" >>"$FAKE_APT_LOG"
`,
  'dpkg-query': `#!/bin/bash
# dpkg-query -W -f=... PKG: installed when PKG is in FAKE_INSTALLED; the last argument is the package.
pkg="\${!#}"
if [[ " \${FAKE_INSTALLED:-} " == *" $pkg "* ]]; then printf 'install ok installed'; exit 0; fi
if [[ " \${FAKE_REMOVED:-} " == *" $pkg "* ]]; then printf 'deinstall ok config-files'; exit 0; fi
echo "dpkg-query: no packages found matching $pkg" >&2
exit 1
`,
  chown: `#!/bin/bash
# The demo users may not exist on this machine: record the owner instead of setting it.
echo "chown $*" >>"$FAKE_APT_LOG"
`,
  id: `#!/bin/bash
# id -u: 1000, never root. id -nG USER: FAKE_GROUPS.
case "$1" in
  -u) echo 1000 ;;
  -nG) echo "\${FAKE_GROUPS:-}" ;;
  *) exit 2 ;;
esac
`,
};

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-setup-test-'));
  bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const [name, text] of Object.entries(FAKES))
    fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
  const line = '        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n';
  fs.writeFileSync(path.join(dir, 'big.txt'), line.repeat(Math.ceil(1_048_576 / line.length)));
  aptLog = path.join(dir, 'apt-get.log');
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Every apt-get (and chown) call the script made, one line of arguments each. */
  aptGet: string[];
}

/** Sources the setup script in bash with the fakes first on PATH, then runs `script`. */
function bash(script: string, env: Record<string, string | undefined> = {}): Run {
  fs.rmSync(aptLog, { force: true });
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.CI; // each test says whether it runs as CI
  const result = spawnSync('bash', ['-c', `source "$SETUP"\n${script}`], {
    encoding: 'utf8',
    env: {
      ...base,
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      SETUP,
      FAKE_BIG: path.join(dir, 'big.txt'),
      FAKE_APT_LOG: aptLog,
      ...env,
    },
  });
  const aptGet = fs.existsSync(aptLog) ? fs.readFileSync(aptLog, 'utf8').split('\n').filter(Boolean) : [];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, aptGet };
}

/** The packages of each `apt-get install` call, without its flags. */
const installs = (run: Run): string[][] =>
  run.aptGet
    .filter((line) => line.startsWith('install '))
    .map((line) =>
      line
        .split(' ')
        .slice(1)
        .filter((arg) => !arg.startsWith('-')),
    );

/** The script's own list of apt packages. */
function aptPackages(): string[] {
  const run = bash('echo "${APT_PACKAGES[*]}"');
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim().split(' ');
}

test('the fake apt-cache dies of SIGPIPE when its reader stops at the first match (so the tests below can fail)', () => {
  const run = bash(
    'set -o pipefail\napt-cache policy jupyterhub | grep -q "Candidate: [0-9]" && echo found; echo "status ${PIPESTATUS[0]}"',
  );
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^status 141$/m, '141 is 128 + SIGPIPE');
  assert.doesNotMatch(run.stdout, /found/, 'under pipefail the early reader turns a match into a failure');
});

test(`sourcing the script runs none of its steps; running it does (and stops at its root check)`, () => {
  const sourced = bash('echo sourced');
  assert.equal(sourced.status, 0, sourced.stderr);
  assert.equal(sourced.stdout, 'sourced\n');
  assert.deepEqual(sourced.aptGet, []);
  const executed = bash('bash "$SETUP"');
  assert.equal(executed.status, 1);
  assert.match(executed.stderr, /must run as root/);
});

test(`apt_has_candidate says "installable" ${RUNS} times out of ${RUNS} while apt-cache writes a megabyte`, () => {
  const run = bash(
    `n=0
for i in $(seq ${RUNS}); do if apt_has_candidate jupyterhub; then n=$((n + 1)); fi; done
echo "installable $n"
if apt_has_candidate python3-nothing; then echo "nothing: installable"; else echo "nothing: not installable"; fi`,
    { FAKE_NO_CANDIDATE: 'python3-nothing' },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, `installable ${RUNS}\nnothing: not installable\n`);
});

test(`install_apt_packages installs every missing package, ${RUNS} runs out of ${RUNS}`, () => {
  const wanted = aptPackages();
  assert.ok(wanted.includes('jupyterhub') && wanted.includes('python3-jupyter-server'), wanted.join(' '));
  const run = bash(`for i in $(seq ${RUNS}); do install_apt_packages; done; echo finished`);
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /finished\n$/);
  assert.doesNotMatch(run.stdout, /WARNING/);
  const calls = installs(run);
  assert.equal(calls.length, RUNS, run.aptGet.join('\n'));
  for (const packages of calls) assert.deepEqual(packages, wanted);
});

test('a package dpkg has fully installed is not installed again; one only removed is', () => {
  const [first = '', ...rest] = aptPackages();
  const run = bash('install_apt_packages', { FAKE_INSTALLED: rest.join(' '), FAKE_REMOVED: first });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(installs(run), [[first]]);
  const none = bash('install_apt_packages', { FAKE_INSTALLED: [first, ...rest].join(' ') });
  assert.equal(none.status, 0, none.stderr);
  assert.deepEqual(none.aptGet, [], 'nothing to do: not even apt-get update');
});

test('CI=true: a debian3 package apt cannot install fails setup, naming it and why; without CI it warns', () => {
  const env = { FAKE_NO_CANDIDATE: 'jupyterhub python3-jupyter-server', FAKE_INSTALLED: 'python3-venv' };
  const ci = bash('install_apt_packages; echo "went on"', { ...env, CI: 'true' });
  assert.notEqual(ci.status, 0, 'setup fails');
  assert.match(ci.stderr, /ERROR: apt has no installable jupyterhub \(no candidate version\)/);
  assert.match(ci.stderr, /CI=true/);
  assert.doesNotMatch(ci.stdout, /went on/);
  assert.deepEqual(installs(ci), [], 'nothing is installed');

  const dev = bash('install_apt_packages; echo "went on"', env);
  assert.equal(dev.status, 0, dev.stderr);
  assert.match(
    dev.stdout,
    /WARNING: apt has no installable jupyterhub[^\n]*debian3 flavour will not be available/,
  );
  assert.match(dev.stdout, /WARNING: apt has no installable python3-jupyter-server/);
  assert.match(dev.stdout, /went on\n$/);
  const others = aptPackages().filter(
    (p) => !['python3-venv', 'jupyterhub', 'python3-jupyter-server'].includes(p),
  );
  assert.deepEqual(installs(dev), others.length > 0 ? [others] : [], 'the rest is still installed');
});

test('without python3-venv from apt, setup fails with or without CI: no venv, no hub', () => {
  for (const ci of ['true', undefined]) {
    const run = bash('install_apt_packages; echo "went on"', { FAKE_NO_CANDIDATE: 'python3-venv', CI: ci });
    assert.equal(run.status, 1, `CI=${ci}`);
    assert.match(run.stderr, /apt has no installable python3-venv/);
  }
});

test('in_group matches whole group names only', () => {
  const run = bash(
    'for g in team tea eam; do if in_group alice "$g"; then echo "$g yes"; else echo "$g no"; fi; done',
    { FAKE_GROUPS: 'alice team' },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'team yes\ntea no\neam no\n');
});

test('copy_notebooks: absent or unedited earlier samples get the current one; edited and current copies stay', () => {
  const homes = path.join(dir, 'homes');
  const users = ['alice', 'bob', 'carol', 'dave'];
  for (const u of users) fs.mkdirSync(path.join(homes, u), { recursive: true });
  const render = (file: string, user: string): string =>
    fs.readFileSync(file, 'utf8').replaceAll('{{USER}}', user);
  const samples = path.join(path.dirname(SETUP), 'notebooks');
  const current = path.join(samples, 'welcome.ipynb');
  const earlier = path.join(samples, 'earlier', 'welcome.1.ipynb');
  assert.notEqual(render(earlier, 'alice'), render(current, 'alice'), 'the earlier release differs');
  const home = (u: string): string => path.join(homes, u, 'welcome.ipynb');
  fs.writeFileSync(home('alice'), render(earlier, 'alice')); // set up before the sample changed
  fs.writeFileSync(home('bob'), `${render(earlier, 'bob')} `); // edited by bob since
  fs.writeFileSync(home('dave'), render(current, 'dave'));
  const unchanged = fs.statSync(home('dave')).mtimeMs;

  const run = bash('copy_notebooks', { HUB_HOMES_DIR: homes });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(fs.readFileSync(home('alice'), 'utf8'), render(current, 'alice'));
  assert.equal(fs.readFileSync(home('bob'), 'utf8'), `${render(earlier, 'bob')} `, "bob's edit survives");
  assert.equal(fs.readFileSync(home('carol'), 'utf8'), render(current, 'carol'));
  assert.equal(fs.statSync(home('dave')).mtimeMs, unchanged, 'a current copy is not rewritten');
  assert.match(run.stdout, /alice\/welcome\.ipynb is an unedited earlier release of welcome\.ipynb/);
  assert.doesNotMatch(run.stdout, /bob|dave/);
  assert.ok(run.aptGet.includes(`chown alice:team ${home('alice')}`), run.aptGet.join('\n'));
  assert.equal((fs.statSync(home('carol')).mode & 0o777).toString(8), '640');
});
