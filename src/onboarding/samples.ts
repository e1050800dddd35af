/**
 * The sample scripts shipped in `media/samples/` and where a copy of one goes. VS Code-free.
 * A copy never overwrites anything: an identical file is reused, a different file of the same name
 * keeps its content and the sample goes next to it under a free name (`hello-2.sbatch`).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface Sample {
  /** File name, e.g. `hello.sbatch`. */
  name: string;
  /** What it shows, for the picker (its first comment line). */
  description: string;
}

/** Only plain names of files in the samples folder: an argument never reaches outside it. */
export const SAMPLE_NAME = /^[A-Za-z0-9][\w.-]*$/;

export async function listSamples(samplesDir: string): Promise<Sample[]> {
  const names = (await fs.readdir(samplesDir)).filter((n) => SAMPLE_NAME.test(n)).sort(sampleOrder);
  return Promise.all(names.map(async (name) => ({ name, description: describe(await fs.readFile(path.join(samplesDir, name), 'utf8')) })));
}

/** hello first (the walkthrough's), then the rest by name. */
function sampleOrder(a: string, b: string): number {
  const rank = (n: string): number => (n.startsWith('hello') ? 0 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** The first comment line after the shebang, without its `#`. */
export function describe(text: string): string {
  for (const line of text.split('\n')) {
    if (line.startsWith('#!') || /^#\s*SBATCH/.test(line)) continue;
    const m = /^#\s*(.+)$/.exec(line.trim());
    if (m) return m[1].replace(/:$/, '');
  }
  return '';
}

export interface SampleTarget {
  file: string;
  /** `create`: write the sample there; `reuse`: an identical copy is already there. */
  action: 'create' | 'reuse';
}

/** `hello.sbatch`, `hello-2.sbatch`, `hello-3.sbatch`, … */
export function candidateNames(name: string, max = 100): string[] {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  return [name, ...Array.from({ length: max - 1 }, (_, i) => `${stem}-${i + 2}${ext}`)];
}

/** Where the sample `name` with `content` goes in `dir` without touching any existing file. */
export async function chooseSampleTarget(dir: string, name: string, content: string): Promise<SampleTarget> {
  for (const candidate of candidateNames(name)) {
    const file = path.join(dir, candidate);
    let existing: string;
    try {
      existing = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file, action: 'create' };
      throw err;
    }
    if (existing === content) return { file, action: 'reuse' };
  }
  throw new Error(`${dir} already holds ${name} and 99 other versions of it; delete a few and try again.`);
}

/**
 * Copies the sample into `dir` (created if needed) as chosen by `chooseSampleTarget`. The write is
 * exclusive (`wx`): if a file appeared meanwhile it is left alone and the next free name is taken.
 */
export async function copySample(samplesDir: string, name: string, dir: string): Promise<SampleTarget> {
  if (!SAMPLE_NAME.test(name)) throw new Error(`"${name}" is not the name of a sample.`);
  const content = await fs.readFile(path.join(samplesDir, name), 'utf8');
  await fs.mkdir(dir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    const target = await chooseSampleTarget(dir, name, content);
    if (target.action === 'reuse') return target;
    try {
      await fs.writeFile(target.file, content, { flag: 'wx', mode: name.endsWith('.py') ? 0o644 : 0o755 });
      return target;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`Could not find a free file name for ${name} in ${dir}: files keep appearing there.`);
}
