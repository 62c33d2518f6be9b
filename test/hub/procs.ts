// Process bookkeeping for the test hub, from /proc (Linux only, like the hub itself).
// The hub, its proxy, its managed service, every single-user server and every kernel each run in their
// own session (start_new_session), so killing the hub's process group is not enough: we remember the
// whole tree and kill exactly those processes, checking start times so a reused pid is never hit.
import fs from 'node:fs';

export interface ProcRef {
  pid: number;
  startTime: string; // /proc/<pid>/stat field 22: tells a process apart from a later one with the same pid
}

interface ProcStat {
  ppid: number;
  state: string;
  startTime: string;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses: the fields we want come after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, ppid] = fields;
  const startTime = fields[19];
  if (state === undefined || ppid === undefined || startTime === undefined) return undefined;
  return { state, ppid: Number(ppid), startTime };
}

export function procRef(pid: number): ProcRef | undefined {
  const stat = readStat(pid);
  return stat && stat.state !== 'Z' ? { pid, startTime: stat.startTime } : undefined;
}

/** True while the very process that `ref` names is alive (not a zombie, not a reused pid). */
export function isAlive(ref: ProcRef): boolean {
  const stat = readStat(ref.pid);
  return stat !== undefined && stat.state !== 'Z' && stat.startTime === ref.startTime;
}

/** The processes below `roots` (not the roots themselves), found through parent pids. */
export function descendants(roots: number[]): ProcRef[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(entry));
    children.set(stat.ppid, list);
  }
  const found: ProcRef[] = [];
  const queue = [...roots];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      const ref = procRef(child);
      if (ref) found.push(ref);
      queue.push(child);
    }
  }
  return found;
}

export function readCmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

function signal(target: number, sig: NodeJS.Signals): void {
  try {
    process.kill(target, sig);
  } catch {
    // Already gone (ESRCH): that is what we want.
  }
}

/** Signal a process group (its leader is `leader`), then each listed process that is still the same. */
export function signalAll(leader: ProcRef | undefined, refs: ProcRef[], sig: NodeJS.Signals): void {
  if (leader && isAlive(leader)) signal(-leader.pid, sig);
  for (const ref of refs) if (isAlive(ref)) signal(ref.pid, sig);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitGone(refs: ProcRef[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (refs.some(isAlive)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** SIGTERM, a grace period, then SIGKILL for whatever is left. */
export async function terminate(
  leader: ProcRef | undefined,
  refs: ProcRef[],
  graceMs: number,
): Promise<void> {
  const all = leader ? [leader, ...refs] : refs;
  signalAll(leader, refs, 'SIGTERM');
  if (await waitGone(all, graceMs)) return;
  signalAll(leader, refs, 'SIGKILL');
  await waitGone(all, 2000);
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** terminate() for process 'exit' handlers, where nothing async runs: it blocks, sleeping in Atomics.wait. */
export function terminateSync(leader: ProcRef | undefined, refs: ProcRef[], graceMs: number): void {
  const all = leader ? [leader, ...refs] : refs;
  signalAll(leader, refs, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (all.some(isAlive) && Date.now() < deadline) Atomics.wait(sleepCell, 0, 0, 100);
  signalAll(leader, refs, 'SIGKILL');
}
