// The Jobs view's squeue listing cache (src/slurm/squeueListing.ts): records printed as in the
// previous poll keep their row, the others are parsed — and every listing gives exactly the rows a
// full parseSqueue gives. Inputs are the recorded 22.05 and 24.11 squeue outputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIELD_SEP, parseSqueue, RECORD_END, SlurmParseError, type Job } from '../../src/slurm';
import { SqueueListingCache } from '../../src/slurm/squeueListing';

const END = `${RECORD_END}\n`;
const recordsOf = (version: string): string[] =>
  readFileSync(join(__dirname, '..', 'fixtures', `slurm-${version}`, 'squeue-all.txt'), 'utf8').split(END).filter(Boolean);
const listingOf = (records: readonly string[]): string => records.map((r) => r + END).join('');

for (const version of ['22.05', '24.11']) {
  describe(`squeue listing cache (${version} output)`, () => {
    const records = recordsOf(version);

    it('gives the rows a full parse gives, reusing the row of every unchanged record', () => {
      const cache = new SqueueListingCache((job: Job) => job);
      const first = cache.parse(listingOf(records), 0);
      assert.deepEqual(first.rows, parseSqueue(listingOf(records), 0));
      assert.equal(first.fresh.length, records.length);
      assert.equal(first.gone.length, 0);

      // Reordered, one record changed (its name), one gone, one new.
      const changed = records[1].split(FIELD_SEP);
      changed[5] = 'renamed';
      const added = records[0].split(FIELD_SEP);
      added[0] = added[1] = '999999';
      const next = [records[2], changed.join(FIELD_SEP), records[0], ...records.slice(4), added.join(FIELD_SEP)];
      const second = cache.parse(listingOf(next), 0);
      assert.deepEqual(second.rows, parseSqueue(listingOf(next), 0));
      for (const [i, text] of next.entries()) {
        const before = records.indexOf(text);
        if (before >= 0) assert.equal(second.rows[i], first.rows[before], `record ${i} keeps its row`);
      }
      assert.deepEqual(second.fresh.map((j) => j.id.text), [second.rows[1].id.text, second.rows[next.length - 1].id.text]);
      assert.deepEqual(second.gone, [first.rows[1], first.rows[3]]);
    });

    it('reads every record afresh under another UTC offset', () => {
      const cache = new SqueueListingCache((job: Job) => job);
      cache.parse(listingOf(records), 0);
      const shifted = cache.parse(listingOf(records), 60);
      assert.equal(shifted.fresh.length, records.length);
      assert.deepEqual(shifted.rows, parseSqueue(listingOf(records), 60));
    });

    it('fails as parseSqueue does, numbering the record in the whole listing', () => {
      const cache = new SqueueListingCache((job: Job) => job);
      cache.parse(listingOf(records), 0);
      const bad = records[2].split(FIELD_SEP);
      bad[14] = 'many';
      const text = listingOf([records[0], records[1], bad.join(FIELD_SEP)]);
      const expected = (() => {
        try {
          parseSqueue(text, 0);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      assert.ok(expected instanceof SlurmParseError);
      assert.throws(() => cache.parse(text, 0), (e) => e instanceof SlurmParseError && e.message === expected.message);
      assert.throws(() => cache.parse(listingOf(records) + 'half a record', 0), SlurmParseError);
    });
  });
}
