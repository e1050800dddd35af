// parseSqueue's shortcut for rows that repeat the previous row except for their ids (most of a big
// queue): the result must be exactly what a full parse of each row gives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIELD_SEP, parseSqueue, RECORD_END } from '../../src/slurm';

const rows = readFileSync(join(__dirname, '..', 'fixtures', 'slurm-24.11', 'squeue-all.txt'), 'utf8').split(`${RECORD_END}\n`).filter(Boolean);
const held = rows.find((r) => r.includes('zoo user hold'))!.split(FIELD_SEP);
const withIds = (id: number, change: (f: string[]) => void = () => {}) => {
  const f = [...held];
  f[0] = f[1] = String(id);
  change(f);
  return f.join(FIELD_SEP) + `${RECORD_END}\n`;
};

describe('squeue rows that repeat the previous row', () => {
  it('get their own ids and otherwise the same values as a full parse', () => {
    const text = [100, 101, 102].map((id) => withIds(id)).join('');
    const jobs = parseSqueue(text, 0);
    assert.deepEqual(jobs.map((j) => [j.id.text, j.rawJobId, j.arrayJobId]), [['100', 100, undefined], ['101', 101, undefined], ['102', 102, undefined]]);
    for (const j of jobs) {
      const alone = parseSqueue(withIds(j.rawJobId), 0)[0];
      assert.deepEqual(j, alone);
    }
  });

  it('a row that differs anywhere after the ids is parsed afresh', () => {
    const text = withIds(200) + withIds(201, (f) => (f[8] = 'JobHeldAdmin')) + withIds(202, (f) => (f[5] = 'other name')) + withIds(203, (f) => (f[5] = 'other name'));
    const jobs = parseSqueue(text, 0);
    assert.deepEqual(jobs.map((j) => [j.id.text, j.reason, j.name]), [
      ['200', 'JobHeldUser', 'zoo user hold'],
      ['201', 'JobHeldAdmin', 'zoo user hold'],
      ['202', 'JobHeldUser', 'other name'],
      ['203', 'JobHeldUser', 'other name'],
    ]);
  });

  it('array tasks of one array: the array id from ArrayJobID, the task from the repeated ArrayTaskID', () => {
    const text = withIds(301, (f) => { f[1] = '300'; f[2] = '1'; }) + withIds(302, (f) => { f[1] = '300'; f[2] = '1'; });
    const jobs = parseSqueue(text, 0);
    assert.deepEqual(jobs.map((j) => [j.id.text, j.rawJobId, j.arrayJobId, j.arrayTaskId]), [['300_1', 301, 300, 1], ['300_1', 302, 300, 1]]);
  });

  it('a bad id in a repeated row is still a parse error naming the record', () => {
    assert.throws(() => parseSqueue(withIds(400) + withIds(401).replace('401', '4x1'), 0), /squeue.*JobID/s);
  });
});
