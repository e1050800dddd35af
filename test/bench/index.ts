/**
 * `npm run bench`: runs every test/bench/*.bench.ts in turn. Each bench module's default export
 * is an async function that measures its subject AND a baseline in the same run and prints ratios.
 * Pass names to run a subset: `npm run bench -- slurm-parse`.
 */
// First: ssh2 must load without its native addons, as the bundle ships it (shippedSsh2.ts).
import './shippedSsh2';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  for (const file of files) {
    console.log(`\n=== ${file} ===`);
    const mod = (await import(pathToFileURL(join(__dirname, file)).href)) as { default?: () => Promise<void> };
    const run = mod.default ?? (mod as { default?: { default?: () => Promise<void> } }).default?.default;
    if (typeof run !== 'function') throw new Error(`${file} has no default export function`);
    await run();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
