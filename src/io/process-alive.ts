// Whether a process still runs: a lock or temporary file names its writer's PID, and one whose
// writer is gone (a kill -9) may be taken over or swept.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
