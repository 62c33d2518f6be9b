// Inputs that try to name something outside a root. The same corpus runs against the service's API (as the
// `path` or `user` query parameter, sent raw) and against the extension's hubnb URI mapping; every entry
// must be refused with a clear message, and nothing outside the roots may be read or written.
//
// `symlink` entries need a fixture: a link inside the teammate's home, created by the test, whose target
// leaves the root. Only the service can see those (the client cannot know where a link points).

export interface TraversalCase {
  /** A short label for test names. */
  label: string;
  /** The path as an attacker would give it, relative to a teammate's home or the user's own root. */
  path: string;
  /** A fixture the service test must create first: a symlink at `path` pointing at `target`. */
  symlink?: { target: string };
}

const long = 'a'.repeat(256);

export const TRAVERSAL_CORPUS: readonly TraversalCase[] = [
  { label: 'parent', path: '../alice/analysis.ipynb' },
  { label: 'parent twice', path: '../../etc/passwd' },
  { label: 'parent inside', path: 'sub/../../etc/passwd' },
  { label: 'parent at end', path: 'notes/..' },
  { label: 'dot segment', path: './analysis.ipynb' },
  { label: 'encoded slash', path: '..%2fetc%2fpasswd' },
  { label: 'encoded slash, upper case', path: '..%2Fetc%2Fpasswd' },
  { label: 'encoded dots', path: '%2e%2e/etc/passwd' },
  { label: 'encoded dots, mixed', path: '.%2e/etc/passwd' },
  { label: 'encoded twice', path: '%252e%252e%252fetc%252fpasswd' },
  { label: 'encoded backslash', path: '..%5cetc%5cpasswd' },
  { label: 'absolute', path: '/etc/passwd' },
  { label: 'absolute home', path: '/home/bob/analysis.ipynb' },
  { label: 'double slash', path: '//etc/passwd' },
  { label: 'home shortcut', path: '~/analysis.ipynb' },
  { label: 'other user shortcut', path: '~root/.bashrc' },
  { label: 'backslash parent', path: '..\\..\\etc\\passwd' },
  { label: 'backslash', path: 'sub\\analysis.ipynb' },
  { label: 'NUL', path: 'analysis.ipynb\u0000.txt' },
  { label: 'newline', path: 'analysis\n.ipynb' },
  { label: 'empty segment', path: 'sub//analysis.ipynb' },
  { label: 'trailing slash', path: 'sub/' },
  { label: 'hidden file', path: '.bashrc' },
  { label: 'hidden folder', path: '.ssh/id_rsa' },
  { label: 'checkpoints folder', path: '.ipynb_checkpoints/analysis-checkpoint.ipynb' },
  { label: 'sibling sharing the prefix', path: '../bobby/secret.ipynb' },
  { label: 'name too long', path: `${long}.ipynb` },
  { label: 'path too long', path: `${'d/'.repeat(600)}x.ipynb` },
  { label: 'right-to-left override', path: 'report\u202ebnyp i.ipynb' },
  { label: 'zero-width space', path: 'ana\u200blysis.ipynb' },
  { label: 'byte order mark', path: '\ufeffanalysis.ipynb' },
  { label: 'lone surrogate', path: 'analysis\ud800.ipynb' },
  { label: 'decomposed Unicode (not NFC)', path: 'cafe\u0301.ipynb' },
  { label: 'C1 control', path: 'analysis\u0085.ipynb' },
  { label: 'symlink to /etc', path: 'link-to-etc/passwd', symlink: { target: '/etc' } },
  { label: 'symlink to a file outside', path: 'link-to-shadow.ipynb', symlink: { target: '/etc/shadow' } },
  {
    label: 'symlink to a sibling home',
    path: 'link-to-dave/analysis.ipynb',
    symlink: { target: '/home/dave' },
  },
  {
    label: 'symlink to the prefix sibling',
    path: 'link-to-bobby/secret.ipynb',
    symlink: { target: '/home/bobby' },
  },
];
