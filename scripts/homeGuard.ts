// Tests must not leave files in the demo users' homes: `npm start` shows those homes in VS Code's trees, and
// a stray `e2e-run-….ipynb` or checkpoint confuses whoever tries the sandbox next. run-tests.ts lists the
// homes before a tier and after it, and fails the tier when something new is left.
//
// Some things appear in a home because a server or kernel ran there, not because a test forgot them; those
// are ignored: jupyter_server's runtime files and config (.local/share/jupyter, .jupyter), IPython's profile
// and history (.ipython), caches (.cache, such as matplotlib's font list) and matplotlib's config dir. The
// folders jupyter_server makes for checkpoints and the trash are ignored too, but not what is inside them:
// a test's checkpoint or deleted file left there is a leftover like any other.
import fs from 'node:fs';
import path from 'node:path';

/** Below these (relative to a home), nothing counts. */
// JupyterLab's language-server extension (jupyter_lsp) runs `npm prefix -g` as the user whenever their server
// starts, and npm keeps a debug log of each run in ~/.npm/_logs: the hub's doing, not a test's.
const IGNORED_TREES = [
  '.cache',
  '.ipython',
  '.jupyter',
  '.local/share/jupyter',
  '.config/matplotlib',
  '.npm',
];
/** These folders themselves do not count; what they hold does. */
const IGNORED_FOLDERS = ['.local/share/Trash', '.local/share/Trash/files', '.local/share/Trash/info'];

function ignored(rel: string, isDirectory: boolean): boolean {
  if (IGNORED_TREES.some((t) => rel === t || rel.startsWith(`${t}/`))) return true;
  if (!isDirectory) return false;
  // The parents of what is ignored (.local, .local/share, .config) appear with it.
  const parents = [...IGNORED_TREES, ...IGNORED_FOLDERS].some((t) => t.startsWith(`${rel}/`));
  return parents || IGNORED_FOLDERS.includes(rel) || path.basename(rel) === '.ipynb_checkpoints';
}

/** Every path below each home (`alice/notes.ipynb`, hidden ones included) that is not ignored, sorted. */
export function listHomes(root: string, users: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (home: string, rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, home, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      const isDirectory = entry.isDirectory();
      if (!ignored(child, isDirectory)) out.push(`${home}/${child}${isDirectory ? '/' : ''}`);
      if (isDirectory && !IGNORED_TREES.includes(child)) walk(home, child);
    }
  };
  for (const user of users) if (fs.existsSync(path.join(root, user))) walk(user, '');
  return out.sort();
}

/** What `after` lists that `before` did not. */
export function leftovers(before: readonly string[], after: readonly string[]): string[] {
  const had = new Set(before);
  return after.filter((p) => !had.has(p));
}

/**
 * Runs a tier between two listings of the homes and prints the result where a person reading the log sees
 * it; `clean` is false when the tier left something behind. Another test run in the same homes at the same
 * time (another checkout on this machine) can make its own files show up here: the message says so.
 */
export async function guardHomes(
  tier: string,
  root: string,
  users: readonly string[],
  run: () => Promise<number>,
): Promise<{ status: number; clean: boolean }> {
  const before = listHomes(root, users);
  const status = await run();
  const left = leftovers(before, listHomes(root, users));
  const homes = users.map((u) => path.join(root, u)).join(', ');
  if (left.length === 0) {
    console.log(`\nhome guard: ${tier} left nothing behind in ${homes}`);
    return { status, clean: true };
  }
  console.error(
    [
      '',
      `!!! home guard: FAILED: ${tier} left ${left.length} path(s) in the demo homes:`,
      ...left.map((p) => `!!!   ${path.join(root, p)}`),
      '!!! Each test must remove what it creates, checkpoints included. (A test run of another checkout in',
      '!!! these homes at the same time shows up here too.)',
      '',
    ].join('\n'),
  );
  return { status, clean: false };
}
