// Fuzzing every parser: on garbage, truncated or mutated real output they return a value or throw
// a SlurmParseError naming the call and showing the line — never anything else. Job names of any
// content (short of our 0x1F/0x1E separators) survive a squeue round trip.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  FIELD_SEP,
  RECORD_END,
  parseDuration,
  parseExitCodeOrWaitStatus,
  parseJobId,
  parseKeyValueLine,
  parseSacct,
  parseSbatch,
  parseScontrolShowJob,
  parseSinfo,
  parseSlurmTime,
  parseSlurmVersion,
  parseSqueue,
  parseJobState,
  resolveLogPaths,
  SlurmParseError,
  utcOffsetCall,
  userNameCall,
} from '../../src/slurm';
import { FieldFormatError } from '../../src/slurm/fieldError';

const dir = join(__dirname, '..', 'fixtures', 'slurm-22.05');
const read = (f: string) => readFileSync(join(dir, f), 'utf8');

const parsers: Record<string, (s: string) => unknown> = {
  squeue: (s) => parseSqueue(s, 0),
  sacct: (s) => parseSacct(s, 60),
  sinfo: (s) => parseSinfo(s),
  'scontrol show job': (s) => parseScontrolShowJob(s, 0),
  sbatch: (s) => parseSbatch(s),
  'sinfo --version': (s) => parseSlurmVersion(s),
  'date +%z': (s) => utcOffsetCall().parse({ stdout: s, stderr: '' }),
  'id -un': (s) => userNameCall().parse({ stdout: s, stderr: '' }),
};

function onlyParseErrors(call: string, fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SlurmParseError, `${call} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.equal(e.call, call);
    assert.match(e.message, /Offending line/);
  }
}

const seps = fc.constantFrom(FIELD_SEP, RECORD_END, '\n', '|', ' ', '=', ':', '%', '(null)', 'N/A', '[', ']', '_', '+', '-');
const garbage = fc.array(fc.oneof(seps, fc.string({ unit: 'binary', maxLength: 12 }), fc.integer().map(String)), { maxLength: 40 }).map((p) => p.join(''));

const fixtureFor: Record<string, string> = {
  squeue: read('squeue-all.txt'),
  sacct: read('sacct.txt'),
  sinfo: read('sinfo.txt'),
  'scontrol show job': read('scontrol-array.txt') + read('scontrol-weirdName.txt'),
  sbatch: '123\n',
  'sinfo --version': read('version.txt'),
  'date +%z': '+0000\n',
  'id -un': 'slurmuser\n',
};

/** Real output with one field (between any two separators) replaced by garbage, or cut short. */
function mutated(text: string) {
  return fc.tuple(fc.nat(), garbage, fc.boolean(), fc.nat()).map(([at, junk, cut, cutAt]) => {
    if (cut) return text.slice(0, cutAt % (text.length + 1));
    const pieces = text.split(new RegExp(`(${FIELD_SEP}|${RECORD_END}\\n|\\n| |=)`));
    const i = (at % Math.max(1, pieces.length >> 1)) * 2;
    pieces[i] = junk;
    return pieces.join('');
  });
}

describe('fuzz: parsers throw only SlurmParseError', () => {
  for (const [call, parse] of Object.entries(parsers)) {
    it(`${call}: arbitrary text`, () => {
      fc.assert(fc.property(garbage, (s) => onlyParseErrors(call, () => parse(s))), { numRuns: 2000 });
    });
    it(`${call}: mutated real output`, () => {
      fc.assert(fc.property(mutated(fixtureFor[call]), (s) => onlyParseErrors(call, () => parse(s))), { numRuns: 2000 });
    });
  }

  it('model readers throw only FieldFormatError; states never throw', () => {
    fc.assert(
      fc.property(garbage, (s) => {
        for (const fn of [() => parseJobId(s), () => parseDuration(s), () => parseSlurmTime(s, 0), () => parseExitCodeOrWaitStatus(s), () => parseKeyValueLine(s)]) {
          try {
            fn();
          } catch (e) {
            assert.ok(e instanceof FieldFormatError, String(e));
          }
        }
        assert.equal(parseJobState(s).raw, s);
        resolveLogPaths({ rawJobId: 1, name: s, user: 'u', workDir: '/w', stdout: s });
      }),
      { numRuns: 3000 },
    );
  });
});

describe('fuzz: names round-trip through squeue records', () => {
  const line = read('squeue.txt').split(`${RECORD_END}\n`)[0];
  const fields = line.split(FIELD_SEP);
  it('any name without our separators comes back exactly (spaces, |, quotes, newlines, unicode)', () => {
    const name = fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !s.includes(FIELD_SEP) && !s.includes(RECORD_END));
    fc.assert(
      fc.property(name, (n) => {
        const f = [...fields];
        f[5] = n;
        const [job] = parseSqueue(`${f.join(FIELD_SEP)}${RECORD_END}\n`, 0);
        assert.equal(job.name, n);
      }),
      { numRuns: 2000 },
    );
  });

  it('a name containing our separator is a parse error that shows the line, not a wrong job', () => {
    const f = [...fields];
    f[5] = `evil${FIELD_SEP}name`;
    assert.throws(() => parseSqueue(`${f.join(FIELD_SEP)}${RECORD_END}\n`, 0), (e: unknown) => e instanceof SlurmParseError && /expected 31 fields, found 32/.test(e.message) && e.message.includes('evil␟name'));
  });
});
