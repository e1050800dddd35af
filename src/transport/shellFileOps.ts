/**
 * File operations as plain commands, for a login where SFTP cannot be used: the server has no
 * sftp subsystem, or the login shell's startup files print text (an `echo` in ~/.bashrc) that
 * corrupts the SFTP stream — sshd starts `sftp-server` through the user's shell, so its first
 * bytes are the banner, and the client reads them as a packet length. Commands go through the
 * same bootstrap as everything else (remoteScript.ts), which drops that noise.
 *
 * Each function gives the argv of one `sh -c` script; paths are positional parameters, never
 * part of the script text. GNU coreutils (`touch -d @N`, `stat -c`, `base64`) as on any Linux
 * login node.
 */

/** Writes stdin to `target` atomically: temp file beside it, stamped, then renamed; the temp file never stays behind. */
export function shellWriteArgv(dir: string, tmp: string, target: string, mtimeSeconds: number | undefined): string[] {
  const script = [
    'mkdir -p -- "$1" || exit 1',
    'if cat > "$2" && { [ -z "$4" ] || touch -d "@$4" -- "$2"; } && mv -f -- "$2" "$3"; then exit 0; fi',
    'rm -f -- "$2"; exit 1',
  ].join('\n');
  return ['sh', '-c', script, 'swb-write', dir, tmp, target, mtimeSeconds === undefined ? '' : String(mtimeSeconds)];
}

/** The file as base64 on stdout (exec output is text), or exit 2 when it does not exist. */
export function shellReadArgv(path: string): string[] {
  return ['sh', '-c', 'if [ ! -e "$1" ]; then echo "No such file" >&2; exit 2; fi; base64 -w0 -- "$1"', 'swb-read', path];
}

/** `<size> <mtime seconds> d|f`, or nothing when the path does not exist. */
export function shellStatArgv(path: string): string[] {
  return ['sh', '-c', '[ -e "$1" ] || exit 0; s=$(stat -L -c "%s %Y" -- "$1") || exit 1; if [ -d "$1" ]; then echo "$s d"; else echo "$s f"; fi', 'swb-stat', path];
}

export function shellMkdirArgv(path: string): string[] {
  return ['mkdir', '-p', '--', path];
}

export function parseShellStat(stdout: string): { size: number; mtimeMs: number; isDirectory: boolean } | undefined {
  const line = stdout.trim();
  if (line === '') return undefined;
  const m = /^(\d+) (\d+) ([df])$/.exec(line);
  if (!m) throw new Error(`unexpected stat output: ${JSON.stringify(line.slice(0, 80))}`);
  return { size: Number(m[1]), mtimeMs: Number(m[2]) * 1000, isDirectory: m[3] === 'd' };
}

/**
 * SFTP that cannot work on this login (as opposed to one failed operation): no subsystem, or a
 * stream that does not start with an SFTP packet.
 */
export function isSftpUnusable(message: string): boolean {
  return /packet length \d+ exceeds|bad packet length|unable to start subsystem|subsystem request failed|unexpected (sftp )?packet|protocol version/i.test(message);
}
