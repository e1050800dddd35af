// Parses the command line that @vscode/test-electron gives a VS Code executable. Only what the
// code-server flow needs is kept; desktop-only flags (--no-sandbox, --skip-welcome, ...) are ignored.
import * as path from 'node:path';

export interface ShimArgs {
  extensionDevelopmentPaths: string[];
  extensionTestsPath: string;
  userDataDir: string | undefined;
  extensionsDir: string | undefined;
  /** The folder to open, if one was given (test-electron passes it as a bare argument). */
  folder: string | undefined;
}

export function parseShimArgs(argv: readonly string[]): ShimArgs {
  const devPaths: string[] = [];
  let testsPath: string | undefined;
  let userDataDir: string | undefined;
  let extensionsDir: string | undefined;
  let folder: string | undefined;

  const valueOf = (arg: string, name: string): string | undefined =>
    arg.startsWith(`--${name}=`) ? arg.slice(name.length + 3) : undefined;

  for (const arg of argv) {
    let v: string | undefined;
    if ((v = valueOf(arg, 'extensionDevelopmentPath')) !== undefined) devPaths.push(path.resolve(v));
    else if ((v = valueOf(arg, 'extensionTestsPath')) !== undefined) testsPath = path.resolve(v);
    else if ((v = valueOf(arg, 'user-data-dir')) !== undefined) userDataDir = path.resolve(v);
    else if ((v = valueOf(arg, 'extensions-dir')) !== undefined) extensionsDir = path.resolve(v);
    else if (!arg.startsWith('-')) folder = path.resolve(arg);
  }
  if (devPaths.length === 0 || testsPath === undefined) {
    throw new Error(
      'The test shim needs --extensionDevelopmentPath=<dir> and --extensionTestsPath=<suite index>; ' +
        `got: ${argv.join(' ')}. Run it through @vscode/test-electron's runTests (npm run test:extension).`,
    );
  }
  return { extensionDevelopmentPaths: devPaths, extensionTestsPath: testsPath, userDataDir, extensionsDir, folder };
}
