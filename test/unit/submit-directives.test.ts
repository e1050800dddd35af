// #SBATCH parsing against sbatch's own rules (src/sbatch/opt.c in 22.05; the integration suite
// checks a sample against the real sbatch). Pure: no cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { effectiveDirectives, parseScript, splitDirectiveArguments } from '../../src/submit/directives';
import { formatDirective, formatDirectiveValue } from '../../src/slurm/directiveFormat';

const opts = (text: string) => parseScript(text).directives.map((d) => [d.option, d.value ?? null]);

test('long options with = and with a separate value, short options attached and separate', () => {
  const text = [
    '#!/bin/bash',
    '#SBATCH --job-name=train',
    '#SBATCH --time 00:05:00',
    '#SBATCH -J other -N 2 -n4 -c 2 -p debug -t 5 -o out.%j -e err.%j -a 1-3 -G 1',
    'echo hi',
  ].join('\n');
  assert.deepEqual(opts(text), [
    ['job-name', 'train'], ['time', '00:05:00'], ['job-name', 'other'], ['nodes', '2'], ['ntasks', '4'], ['cpus-per-task', '2'],
    ['partition', 'debug'], ['time', '5'], ['output', 'out.%j'], ['error', 'err.%j'], ['array', '1-3'], ['gpus', '1'],
  ]);
  assert.equal(effectiveDirectives(parseScript(text).directives).get('job-name'), 'other', 'the last directive wins, as with getopt');
});

test('directives after the first command are ignored by sbatch and warned about', () => {
  const text = '#!/bin/bash\n#SBATCH -t 5\n\n# a comment\n   \t\nhostname\n#SBATCH --mem=4G\n';
  const p = parseScript(text);
  assert.deepEqual(p.directives.map((d) => d.option), ['time']);
  assert.equal(p.firstCommandLine, 5);
  const w = p.problems.find((x) => x.code === 'afterFirstCommand');
  assert.ok(w);
  assert.equal(w.line, 6);
  assert.equal(w.severity, 'warning');
});

test('comments: blank and # lines keep the header open; an unquoted # ends a directive line', () => {
  const text = '#!/bin/bash\n# comment\n\n#SBATCH -J "a b" # -t 5 is a comment\n#SBATCH --time 3 --part=debug\n#SBATCH -c2\necho hi\n';
  // Exactly what `sbatch -vvv` printed on the bundled cluster for this script ("Found in script, argument ...").
  assert.deepEqual(opts(text), [['job-name', 'a b'], ['time', '3'], ['partition', 'debug'], ['cpus-per-task', '2']]);
});

test('quotes, escapes and # inside quotes', () => {
  const { tokens } = splitDirectiveArguments(`#SBATCH --job-name="it's #1" -o 'a b'.out --comment=x\\ y\\"z`, 7);
  assert.deepEqual(tokens.map((t) => t.text), [`--job-name=it's #1`, '-o', 'a b.out', '--comment=x y"z']);
});

test('an unambiguous prefix of a long option is that option; an ambiguous one is an error', () => {
  assert.deepEqual(opts('#SBATCH --part=gpu --cpus-per-t=3\n'), [['partition', 'gpu'], ['cpus-per-task', '3']]);
  const p = parseScript('#SBATCH --mem-per=4G\n');
  assert.equal(p.problems[0]?.code, 'ambiguousOption');
});

test('flags, clustered short flags, optional-argument options', () => {
  assert.deepEqual(opts('#SBATCH -H --exclusive --requeue -Hv --exclusive=user\n'), [
    ['hold', null], ['exclusive', null], ['requeue', null], ['hold', null], ['verbose', null], ['exclusive', 'user'],
  ]);
});

test('problems: unknown option, missing value, value on a flag, non-option word, indentation, CRLF', () => {
  const codes = (t: string) => parseScript(t).problems.map((p) => p.code);
  assert.deepEqual(codes('#SBATCH --bogus=1\n'), ['unknownOption']);
  assert.deepEqual(codes('#SBATCH -Z\n'), ['unknownOption']);
  assert.deepEqual(codes('#SBATCH --time\n'), ['missingValue']);
  assert.deepEqual(codes('#SBATCH --hold=yes\n'), ['unexpectedValue']);
  assert.deepEqual(codes('#SBATCH job-name=x\n'), ['notAnOption']);
  assert.deepEqual(codes('  #SBATCH -t 5\n'), ['indentedDirective']);
  assert.deepEqual(codes('#SBATCH -J "open\n'), ['unterminatedQuote']);
  assert.ok(codes('#!/bin/bash\r\n#SBATCH -t 5\r\necho\r\n').includes('dosLineBreaks'));
});

test('positions point at the option and its value', () => {
  const p = parseScript('#SBATCH --time=10 -p  debug\n');
  const [t, part] = p.directives;
  assert.deepEqual([t.start, t.end, t.valueStart, t.valueEnd], [8, 14, 15, 17]);
  assert.deepEqual([part.start, part.end, part.valueStart, part.valueEnd], [18, 20, 22, 27]);
});

test('a shebang is kept; a script without one has none', () => {
  assert.equal(parseScript('#!/usr/bin/env bash\necho').shebang, '#!/usr/bin/env bash');
  assert.equal(parseScript('echo').shebang, undefined);
});

test('formatted directives parse back to the same value, whatever the value (fuzz)', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.oneof(fc.constantFrom(' ', '"', "'", '\\', '#', '$', '(', ')', '`', ';', '=', '-', 'é', '😀'), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })) }), (raw) => {
      // eslint-disable-next-line no-control-regex
      const value = raw.replace(/[\u0000-\u001f\u007f]/g, '');
      const line = formatDirective('job-name', value);
      const p = parseScript(`${line}\n`);
      assert.equal(p.problems.length, 0, line);
      assert.deepEqual(p.directives.map((d) => [d.option, d.value]), [['job-name', value]]);
    }),
    { numRuns: 2000 },
  );
});

test('hostile values cannot start a new line, directive or command', () => {
  assert.throws(() => formatDirectiveValue('x\n#SBATCH --hold'), /line break/);
  assert.throws(() => formatDirectiveValue('x\recho pwned'), /line break/);
  assert.equal(formatDirectiveValue('$(rm -rf ~) `id` "q"'), '"$(rm -rf ~) `id` \\"q\\""');
  assert.equal(formatDirectiveValue('plain-name_1.2'), 'plain-name_1.2');
});

test('heterogeneous jobs: "#SBATCH hetjob" (or packjob) starts the next component; each has its own options', () => {
  const parsed = parseScript('#!/bin/bash\n#SBATCH -p debug -n 1\n#SBATCH hetjob\n#SBATCH -p gpu --gres=gpu:1\n#SBATCH   PACKJOB  # old spelling\n#SBATCH -n 4\nsrun x\n');
  assert.deepEqual(parsed.problems.map((p) => [p.code, p.line, p.start]), [['deprecatedSeparator', 4, 10]]);
  assert.equal(parsed.components, 3);
  assert.deepEqual(parsed.directives.map((d) => [d.option, d.component ?? 0]), [['partition', 0], ['ntasks', 0], ['partition', 1], ['gres', 1], ['ntasks', 2]]);
  assert.equal(effectiveDirectives(parsed.directives).get('partition'), 'debug');
  assert.equal(effectiveDirectives(parsed.directives, 1).get('gres'), 'gpu:1');
  assert.equal(effectiveDirectives(parsed.directives, 2).get('partition'), undefined);
  assert.equal(parseScript('#SBATCH -n 1\n').components, 1);
  // Only a line that is nothing but the word separates; anything else is an ordinary (bad) directive.
  assert.deepEqual(parseScript('#SBATCH hetjob -n 2\n').problems.map((p) => p.code), ['notAnOption']);
});
