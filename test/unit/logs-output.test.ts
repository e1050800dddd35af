// LogOutput: bytes of stdout/stderr → text for one channel. UTF-8 split anywhere, interleaving with
// whole lines and a stderr marker, partial lines, notices on lines of their own.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LogOutput, NOTICE_PREFIX, STDERR_MARKER } from '../../src/logs/logOutput';

function collect(interleave: boolean, partialLineMs = 10_000): { out: LogOutput; text: () => string } {
  let s = '';
  const out = new LogOutput({ append: (t) => (s += t) }, { interleave, partialLineMs });
  return { out, text: () => s };
}

describe('LogOutput', () => {
  it('decodes a multi-byte character split across chunks (any split point)', () => {
    const text = 'naïve ✓ 日本語 🚀 done\n';
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      for (const interleave of [false, true]) {
        const { out, text: got } = collect(interleave);
        out.data('stdout', bytes.subarray(0, cut));
        out.data('stdout', bytes.subarray(cut));
        out.end();
        assert.equal(got(), text, `cut at byte ${cut}`);
      }
    }
  });

  it('any chunking of any UTF-8 text comes out unchanged (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.array(fc.nat(), { maxLength: 20 }), (s, cuts) => {
        const bytes = Buffer.from(s, 'utf8');
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const { out, text } = collect(false);
        let prev = 0;
        for (const p of [...points, bytes.length]) {
          out.data('stdout', bytes.subarray(prev, p));
          prev = p;
        }
        out.end();
        assert.equal(text(), s);
      }),
    );
  });

  it('interleaves whole lines and marks stderr lines', () => {
    const { out, text } = collect(true);
    out.data('stdout', Buffer.from('out 1\nout'));
    out.data('stderr', Buffer.from('err 1\n'));
    out.data('stdout', Buffer.from(' 2\n'));
    out.end();
    assert.equal(text(), `out 1\n${STDERR_MARKER}err 1\nout 2\n`);
  });

  it('shows a partial line after a quiet spell; its continuation stays on that line', async () => {
    const { out, text } = collect(true, 20);
    out.data('stdout', Buffer.from('progress 10%'));
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(text(), 'progress 10%');
    out.data('stdout', Buffer.from(' 20% done\n'));
    assert.equal(text(), 'progress 10% 20% done\n');
    out.data('stdout', Buffer.from('half'));
    await new Promise((r) => setTimeout(r, 60));
    out.data('stderr', Buffer.from('warning\n'));
    assert.equal(text(), `progress 10% 20% done\nhalf\n${STDERR_MARKER}warning\n`);
    out.dispose();
  });

  it('puts a notice on a line of its own, also after a partial line', () => {
    const { out, text } = collect(false);
    out.data('stdout', Buffer.from('no newline yet'));
    out.notice('Job 1 COMPLETED, exit code 0:0.');
    assert.equal(text(), `no newline yet\n${NOTICE_PREFIX}Job 1 COMPLETED, exit code 0:0.\n`);
  });
});
