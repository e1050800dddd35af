// The one quoting helper against a REAL bash: for hostile strings, `bash -c "printf %s <quoted>"`
// must print the value back byte for byte, and a whole quoted argv must arrive as the same argv.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { commandLine, quoteArg, UnquotableError } from '../../src/core/shellQuote';

function bash(script: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', script], { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`bash failed: ${err.message} ${stderr.toString()}`));
      else resolve(stdout);
    });
  });
}

const HOSTILE = [
  '',
  ' ',
  "it's",
  "'",
  "''",
  '"',
  '"$HOME"',
  '$(id)',
  '`id`',
  '${IFS}',
  '$((1+1))',
  'a;b',
  'a && b || c',
  'x\ny',
  '\n',
  '\r\n',
  '\t',
  '*',
  '?',
  '[a-z]*',
  '~',
  '~root',
  '{a,b}',
  '!!',
  '#comment',
  '-n',
  '-e',
  '--help',
  '-',
  '\\',
  '\\n',
  'a|b>c<d&e',
  'ünïcødé ✓ 🚀 日本語',
  '\u200b\u202e',
  '%s%d%%',
  '\x1f\x1e',
  '\x7f\x01',
];

// Pieces that break naive quoting, mixed with arbitrary code points (no NUL: it cannot pass through a shell).
const piece = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 8 }));
const hostileString = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('').replaceAll('\0', ''));

describe('quoteArg / commandLine through a real bash', () => {
  // One bash per batch (spawning bash costs ~0.1 s here): `printf %s <quoted>; printf '\0'` per value.
  const echoEach = async (values: readonly string[]) => {
    const script = values.map((v) => `printf %s ${quoteArg(v)}; printf '\\0'`).join('\n');
    const got = (await bash(script)).toString('utf8').split('\0');
    got.pop();
    return got;
  };

  it('echoes every hand-picked hostile value back', async () => {
    assert.deepEqual(await echoEach(HOSTILE), HOSTILE);
  });

  it('property: printf %s <quoted> prints each value byte for byte (thousands of values)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileString, { minLength: 1, maxLength: 80 }), async (values) => {
        const script = values.map((v) => `printf %s ${quoteArg(v)}; printf '\\0'`).join('\n');
        const out = await bash(script);
        assert.ok(out.equals(Buffer.from(values.map((v) => `${v}\0`).join(''), 'utf8')), JSON.stringify(values));
      }),
      { numRuns: 50 },
    );
  });

  it('property: a whole argv arrives as the same argv (NUL-separated echo)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileString, { minLength: 1, maxLength: 30 }), async (values) => {
        const out = await bash(commandLine(['printf', '%s\\0', ...values]));
        const got = out.toString('utf8').split('\0');
        got.pop();
        assert.deepEqual(got, values);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses NUL instead of truncating', () => {
    assert.throws(() => quoteArg('a\0b'), UnquotableError);
    assert.throws(() => commandLine([]), /empty argv/);
  });

  it('refuses a lone UTF-16 surrogate with a clear error instead of sending U+FFFD', () => {
    for (const [value, unit, at] of [
      ['\uD83D', 'D83D', 0], // high surrogate alone
      ['run\uDE80.sh', 'DE80', 3], // low surrogate alone
      ['a\uDE80\uD83D', 'DE80', 1], // a pair in the wrong order is two lone halves
      ['job-\uD83D', 'D83D', 4], // cut off at the end (a name clipped mid-emoji)
    ] as const) {
      assert.throws(() => quoteArg(value), (err: unknown) => {
        assert.ok(err instanceof UnquotableError);
        assert.match(err.message, new RegExp(`lone UTF-16 surrogate \\(\\\\u${unit} at position ${at}\\), which has no UTF-8 form and would arrive as U\\+FFFD`));
        // The message itself stays well-formed (JSON escapes the lone half).
        assert.equal(Buffer.from(err.message, 'utf8').toString('utf8'), err.message);
        return true;
      });
    }
    assert.throws(() => commandLine(['printf', '%s', 'ok', '\uDC00']), UnquotableError);
    assert.equal(quoteArg('\uD83D\uDE80'), `'🚀'`, 'a proper pair is one character and passes');
  });

  it('property: any UTF-16 string is quoted exactly when it is well-formed (survives UTF-8)', () => {
    const codeUnit = fc.oneof(fc.integer({ min: 0xd800, max: 0xdfff }), fc.integer({ min: 1, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(codeUnit, { maxLength: 12 }), (units) => {
        const value = String.fromCharCode(...units);
        const wellFormed = Buffer.from(value, 'utf8').toString('utf8') === value;
        let quoted = true;
        try {
          quoteArg(value);
        } catch (err) {
          assert.ok(err instanceof UnquotableError);
          quoted = false;
        }
        assert.equal(quoted, wellFormed, JSON.stringify(value));
      }),
      { numRuns: 2000 },
    );
  });
});
