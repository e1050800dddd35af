/**
 * Ending a remote command for real. Closing an ssh channel does not stop the process (a silent
 * `sleep` or `tail -F` lives on and keeps its session — one of sshd's MaxSessions — open), and
 * OpenSSH may ignore the "signal" channel request. So every remote script first reports its
 * process id on stderr (see remoteScript.ts); sshd starts each session command in its own session
 * (setsid), so that pid is also the process group we kill from a second, short channel.
 */
/**
 * TERM the process group now, KILL it two seconds later if anything is left. Runs in /bin/sh (see
 * remoteScript.ts), whose `kill` builtin (dash's among them) takes `-SIG -PGID` but not `--`.
 */
export function killScript(pid: number): string {
  if (!Number.isSafeInteger(pid) || pid <= 1) throw new RangeError(`not a process id: ${pid}`);
  return `kill -TERM -${pid} 2>/dev/null || kill -TERM ${pid} 2>/dev/null\n( sleep 2; kill -KILL -${pid} ) </dev/null >/dev/null 2>&1 &\nexit 0`;
}
