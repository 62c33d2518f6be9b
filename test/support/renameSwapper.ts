// A child process that swaps pairs of names in a tight loop with renameat2(RENAME_EXCHANGE), the way a
// teammate could race the service: each name always exists, but what it names flips back and forth between
// the two objects of its pair. Node has no renameat2, so the loop runs in the system Python through ctypes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** The system Python, which has ctypes and a glibc with renameat2; tests that need it skip without it. */
export const SWAPPER_PYTHON = '/usr/bin/python3';

/** What the swapper reports when it stops. */
export interface SwapReport {
  /** How many exchanges it made, over all pairs; afterwards each pair is put back as it was. */
  swaps: number;
  /**
   * True when, after swapping stopped, some process was still waiting to open a FIFO (one of the names) for
   * reading: a reader blocked in open(). Opening it for writing, as the check does, frees it.
   */
  stalledReader: boolean;
}

/** A running swapper; `stop()` ends the loop and waits for the report. */
export interface Swapper {
  stop(): Promise<SwapReport>;
}

// The loop goes round the pairs and checks for the stop file every 256 exchanges, so stopping costs no
// syscall per exchange. It stops by itself at the deadline too, so a test process that stalls (the unfixed
// index blocked on a FIFO) is freed: the FIFO check afterwards opens each FIFO for writing, which ends a
// reader's wait in open().
const SCRIPT = String.raw`
import ctypes, errno, json, os, stat, sys, time
stop_file, deadline = os.fsencode(sys.argv[1]), time.monotonic() + float(sys.argv[2])
names = [os.fsencode(x) for x in sys.argv[3:]]
pairs = list(zip(names[0::2], names[1::2]))
libc = ctypes.CDLL(None, use_errno=True)
renameat2 = libc.renameat2
renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
AT_FDCWD, RENAME_EXCHANGE = -100, 2
def exchange(a, b):
    if renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0:
        sys.exit("renameat2: " + os.strerror(ctypes.get_errno()))
swaps = 0
while not (swaps % 256 == 0 and (os.path.exists(stop_file) or time.monotonic() > deadline)):
    exchange(*pairs[swaps % len(pairs)])
    swaps += 1
for i, pair in enumerate(pairs):
    if (swaps // len(pairs) + (1 if i < swaps % len(pairs) else 0)) % 2 == 1:
        exchange(*pair)
stalled = False
for name in names:
    if stat.S_ISFIFO(os.lstat(name).st_mode):
        try:
            os.close(os.open(name, os.O_WRONLY | os.O_NONBLOCK))
            stalled = True
        except OSError as e:
            if e.errno != errno.ENXIO:
                raise
print(json.dumps({"swaps": swaps, "stalledReader": stalled}))
`;

/**
 * Starts exchanging the names of each pair (all must exist) until `stop()` or `maxSeconds`. `stopFile` must
 * not exist yet; stopping creates it.
 */
export function startSwapper(
  pairs: readonly (readonly [string, string])[],
  stopFile: string,
  maxSeconds = 15,
): Swapper {
  const args = ['-c', SCRIPT, stopFile, String(maxSeconds), ...pairs.flat()];
  const child = spawn(SWAPPER_PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    async stop() {
      fs.writeFileSync(stopFile, '');
      const code = await exited;
      if (code !== 0) throw new Error(`the swapper failed (exit ${code}): ${err}`);
      return JSON.parse(out) as SwapReport;
    },
  };
}
