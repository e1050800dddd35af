// The walkthrough's texts and completion events (issue 18, point 6): the sample shown is the sample
// shipped, whole, in lines the walkthrough's narrow media column shows without cutting; the steps
// tick on context keys the extension really sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from './packageManifest';

const root = join(__dirname, '../..');
interface Step { id: string; description: string; completionEvents: string[]; media: { markdown: string } }
// Texts as VS Code shows them (package.nls.json's English for each %key%).
const manifest = readManifest<{ contributes: { walkthroughs: { steps: Step[] }[] } }>();
const steps = manifest.contributes.walkthroughs[0].steps;
const step = (id: string): Step => steps.find((s) => s.id === id)!;

/** Every source file under src, for finding the setContext calls. */
function sources(dir = join(root, 'src')): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? readFileSync(join(dir, e.name), 'utf8') : ''))
    .join('\n');
}

test('"Submit" shows hello.sbatch exactly as shipped, every line short enough to show whole', () => {
  const md = readFileSync(join(root, step('submit').media.markdown), 'utf8');
  const sample = readFileSync(join(root, 'media/samples/hello.sbatch'), 'utf8');
  const block = /```bash\n([\s\S]*?)```/.exec(md)?.[1];
  assert.equal(block, sample);
  for (const line of sample.split('\n')) assert.ok(line.length <= 50, `too long for the walkthrough column: ${line}`);
  assert.match(step('submit').description, /hello\.sbatch/);
});

test('"Connect" and "Watch its log" tick on the real state, set by the extension', () => {
  assert.deepEqual(step('connect').completionEvents, ['onContext:slurm.connected']);
  assert.deepEqual(step('logs').completionEvents, ['onContext:slurm.logs.following']);
  const src = sources();
  for (const key of ['slurm.connected', 'slurm.logs.following']) assert.match(src, new RegExp(`'setContext', '${key.replace(/\./g, '\\.')}'`), `nothing sets ${key}`);
});
