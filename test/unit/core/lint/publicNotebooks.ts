// The negative set of the secret lint: real public notebooks from the sdists of Jupyter packages on PyPI,
// fetched at test time with pip (pinned by version and sha256) into a cache outside the repository, so that
// none of them is committed. Only the `.ipynb` files are extracted.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** One pinned sdist. */
export interface PinnedSdist {
  name: string;
  version: string;
  sha256: string;
}

/** The packages whose sdists hold the notebooks: their docs, examples and test fixtures. */
export const SDISTS: readonly PinnedSdist[] = [
  {
    name: 'nbformat',
    version: '5.10.4',
    sha256: '322168b14f937a5d11362988ecac2a4952d3d8e3a2cbeb2319584631226d5b3a',
  },
  {
    name: 'nbclient',
    version: '0.11.0',
    sha256: '04a134a5b087f2c5887f228aca155db50169b8cd9334dee6942c8e927e56081a',
  },
  {
    name: 'nbconvert',
    version: '7.17.2',
    sha256: '344a218e8595117ce37396ed025d994f146d076226ebac59255a2fa085ab24d8',
  },
  {
    name: 'papermill',
    version: '2.7.0',
    sha256: 'ec10b37594a060662f57269e1ebd108c209d204450f00fdfeb70a1c7cfb7fbc8',
  },
  {
    name: 'jupytext',
    version: '1.19.6',
    sha256: 'ba1d143bb3751e054d3164376b148ee8fa74e1a860fc9411e1da93ff588b8a17',
  },
  {
    name: 'nbdime',
    version: '4.0.4',
    sha256: '8cd25ecfeeb5105d563237d7f64eb4748058fba9bba9ab3892a1ff61e177ce16',
  },
  {
    name: 'nbsphinx',
    version: '0.9.8',
    sha256: 'd0765908399a8ee2b57be7ae881cf2ea58d66db3af7bbf33e6eb48f83bea5495',
  },
  {
    name: 'nbval',
    version: '0.11.0',
    sha256: '77c95797607b0a968babd2597ee3494102d25c3ad37435debbdac0e46e379094',
  },
];

/** Where the sdists and their notebooks are kept between runs. */
export const CACHE_DIR = join(tmpdir(), 'hub-notebooks-lint-corpus');

/** One notebook of the set: `name-version/path/in/sdist.ipynb` and its bytes. */
export interface PublicNotebook {
  id: string;
  bytes: Buffer;
}

/**
 * Fetches (or finds in the cache) every pinned sdist and returns its notebooks. Throws with the reason when
 * pip is missing, a download fails, or a file's sha256 is not the pinned one.
 */
export function publicNotebooks(): PublicNotebook[] {
  const notebooks: PublicNotebook[] = [];
  for (const sdist of SDISTS) {
    const root = extracted(sdist);
    for (const path of ipynbFiles(root)) {
      notebooks.push({
        id: `${sdist.name}-${sdist.version}/${relative(root, path)}`,
        bytes: readFileSync(path),
      });
    }
  }
  return notebooks;
}

function extracted(sdist: PinnedSdist): string {
  const dir = join(CACHE_DIR, `${sdist.name}-${sdist.version}`);
  const files = join(dir, 'files');
  const marker = join(dir, '.extracted');
  if (existsSync(marker)) return files;
  mkdirSync(dir, { recursive: true });
  let archive = findArchive(dir);
  if (archive === undefined) {
    download(sdist, dir);
    archive = findArchive(dir);
    if (archive === undefined)
      throw new Error(`pip saved no sdist of ${sdist.name} ${sdist.version} in ${dir}`);
  }
  const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
  if (sha256 !== sdist.sha256) {
    rmSync(archive);
    throw new Error(`${archive} has sha256 ${sha256}, not the pinned ${sdist.sha256}`);
  }
  rmSync(files, { recursive: true, force: true });
  mkdirSync(files);
  run('tar', ['-xzf', archive, '-C', files, '--wildcards', '*.ipynb']);
  writeFileSync(marker, `${sdist.sha256}\n`);
  return files;
}

function findArchive(dir: string): string | undefined {
  const name = readdirSync(dir).find((f) => f.endsWith('.tar.gz'));
  return name === undefined ? undefined : join(dir, name);
}

/** The venv's pip where the hub harness installed one, else the system Python's. */
function pip(): [string, string[]] {
  const venv = '/opt/hub-notebooks/venv-jh5/bin/pip';
  return existsSync(venv) ? [venv, []] : ['python3', ['-m', 'pip']];
}

function download(sdist: PinnedSdist, dir: string): void {
  // `--no-binary` for the package alone: its build backend may come as a wheel, which pip needs only to
  // read the sdist's metadata.
  const [command, prefix] = pip();
  const spec = `${sdist.name}==${sdist.version}`;
  run(command, [...prefix, 'download', '--no-deps', '--no-binary', sdist.name, spec, '-d', dir, '-q']);
}

function run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000 });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.status}: ${result.stderr.slice(-2000)}`,
    );
  }
}

function ipynbFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...ipynbFiles(path));
    else if (name.endsWith('.ipynb')) out.push(path);
  }
  return out;
}
