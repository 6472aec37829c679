import { type ChildProcess, spawn } from 'node:child_process';

/**
 * A one-line-per-command shell watchdog. It reads `add PGID` / `del PGID` from its stdin; when
 * stdin closes — because the region closed it, or because the region died in any way, SIGKILL
 * included — it sends SIGTERM to every registered process group, then SIGKILL two seconds later.
 * It ignores SIGINT/SIGTERM/SIGHUP, so a Ctrl-C to the terminal's process group cannot kill the
 * watchdog before the region has had its chance to end the children itself.
 */
// dash (Debian's sh) rejects `kill -- -PGID`; `kill -TERM -PGID` is the portable spelling.
const WATCHDOG = `
trap '' INT TERM HUP
groups=" "
while read -r op id; do
  case "$op" in
    add) groups="$groups$id " ;;
    del) groups=$(printf '%s' "$groups" | sed "s/ $id / /") ;;
  esac
done
[ -z "$(printf '%s' "$groups" | tr -d ' ')" ] && exit 0
for g in $groups; do kill -TERM "-$g" 2>/dev/null; done
sleep 2
for g in $groups; do kill -KILL "-$g" 2>/dev/null; done
exit 0
`;

/**
 * Guarantees that no container instance outlives the region. Instances are spawned `detached`
 * (each leads its own process group, so Ctrl-C reaches only the region, which then drains them
 * in order); this watchdog is the backstop for a region that crashes or is SIGKILLed.
 *
 * One watchdog per region rather than per instance: a `sh` costs about a megabyte, a Node
 * wrapper per instance would cost forty.
 */
export class ChildReaper {
  readonly #watchdog: ChildProcess;
  #closed = false;

  constructor() {
    this.#watchdog = spawn('sh', ['-c', WATCHDOG], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    // The watchdog must not keep the region's event loop alive, and a dead pipe must not crash it.
    this.#watchdog.unref();
    this.#watchdog.stdin?.on('error', () => {});
    (this.#watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }

  /** Registers the process group led by `pid` (a child spawned with `detached: true`). */
  add(pid: number): void {
    this.#write(`add ${pid}\n`);
  }

  /** Forgets a group whose leader has exited, so a recycled pid is never signalled. */
  remove(pid: number): void {
    this.#write(`del ${pid}\n`);
  }

  /**
   * Ends the watchdog. Any group still registered then gets SIGTERM, and SIGKILL two seconds
   * later; callers normally end their children first, so nothing is left to reap.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watchdog.stdin?.end();
  }

  #write(line: string): void {
    if (!this.#closed) this.#watchdog.stdin?.write(line);
  }
}
