// The Jobs view's context menu as package.json declares it: for each kind of job item (its
// contextValue, built by jobContextValue), which job actions its right-click menu shows. The
// when-clauses are evaluated here with the same regex semantics VS Code uses (`=~` is a JS RegExp);
// the in-VS Code suite (jobsView.test.ts) checks the same items rendered by the real tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobContextValue, jobDescription, jobLabel, LABEL_NAME_MAX, timeUsedBar } from '../../src/session/jobPresentation';
import type { JobRow } from '../../src/session/jobRow';
import { cancelConfirmation } from '../../src/commands/jobActionWords';

interface MenuItem {
  command: string;
  when: string;
  group?: string;
}
const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { contributes: { menus: Record<string, MenuItem[]> } };

/** Evaluates the when-clause forms the Jobs view's menus use: `a && b`, `key == v`, `key =~ /re/`, `key > n`. */
function when(clause: string, ctx: Record<string, string | number>): boolean {
  return clause.split(' && ').every((term) => {
    const re = /^(\S+) =~ \/(.*)\/([a-z]*)$/.exec(term.trim());
    if (re) return new RegExp(re[2], re[3]).test(String(ctx[re[1]] ?? ''));
    const eq = /^(\S+) == (\S+)$/.exec(term.trim());
    if (eq) return String(ctx[eq[1]] ?? '') === eq[2];
    const gt = /^(\S+) > (\d+)$/.exec(term.trim());
    if (gt) return Number(ctx[gt[1]] ?? 0) > Number(gt[2]);
    throw new Error(`unsupported when term: ${term}`);
  });
}

const JOB_ACTIONS = ['slurm.cancelJob', 'slurm.holdJob', 'slurm.releaseJob', 'slurm.followLog', 'slurm.stopFollowingLog', 'slurm.watchJob', 'slurm.unwatchJob'];

/** Commands of the right-click menu (not the inline icons) for an item. */
function contextMenu(contextValue: string, followingCount = 1): string[] {
  return manifest.contributes.menus['view/item/context']
    .filter((m) => !m.group?.startsWith('inline') && JOB_ACTIONS.includes(m.command))
    .filter((m) => when(m.when, { view: 'slurm.jobs', viewItem: contextValue, 'slurm.logs.followingCount': followingCount }))
    .map((m) => m.command)
    .sort();
}

const row = (over: Partial<JobRow>): JobRow => ({ id: '5', actionId: '5', name: 'train.py', state: 'RUNNING', source: 'squeue', ...over });

test('context values say state, held/holdable, followed and watched — each only when it applies', () => {
  assert.equal(jobContextValue(row({})), 'job:running cancellable hasLogs');
  assert.equal(jobContextValue(row({}), { followed: true, watched: true }), 'job:running cancellable hasLogs followed watched');
  assert.equal(jobContextValue(row({ state: 'PENDING', reason: 'JobHeldUser' }), { watched: true }), 'job:pending cancellable held watched');
  assert.equal(jobContextValue(row({ state: 'COMPLETED' }), { followed: false, watched: false }), 'job:finished hasLogs');
});

test('right-click menu: Cancel on running and pending jobs, Hold/Release where they apply, follow/watch toggles by state', () => {
  assert.deepEqual(contextMenu(jobContextValue(row({}))), ['slurm.cancelJob', 'slurm.followLog', 'slurm.watchJob']);
  assert.deepEqual(contextMenu(jobContextValue(row({}), { followed: true, watched: true })), ['slurm.cancelJob', 'slurm.stopFollowingLog', 'slurm.unwatchJob']);
  assert.deepEqual(contextMenu(jobContextValue(row({ state: 'PENDING', reason: 'Priority' }))), ['slurm.cancelJob', 'slurm.followLog', 'slurm.holdJob', 'slurm.watchJob']);
  assert.deepEqual(contextMenu(jobContextValue(row({ state: 'PENDING', reason: 'JobHeldUser' }))), ['slurm.cancelJob', 'slurm.followLog', 'slurm.releaseJob', 'slurm.watchJob']);
  // A finished job: nothing to cancel, hold or stop; its log can still be read.
  assert.deepEqual(contextMenu(jobContextValue(row({ state: 'FAILED' }))), ['slurm.followLog']);
  // Another job's follow does not put Stop Following on this one.
  assert.deepEqual(contextMenu(jobContextValue(row({})), 5).includes('slurm.stopFollowingLog'), false);
  assert.deepEqual(contextMenu('array cancellable'), ['slurm.cancelJob', 'slurm.followLog', 'slurm.watchJob']);
  assert.deepEqual(contextMenu('array cancellable followed watched'), ['slurm.cancelJob', 'slurm.stopFollowingLog', 'slurm.unwatchJob']);
});

test('the cancel dialog names the job(s) and its buttons say what they do', () => {
  assert.deepEqual(cancelConfirmation([{ id: '5', name: 'train.py' }]), {
    message: 'Cancel job 5 (train.py)?',
    detail: 'If it is running it is stopped; scancel cannot be undone.',
    confirm: 'Cancel Job',
    keep: 'Keep Running',
  });
  assert.equal(cancelConfirmation([{ id: '7', name: 'prep' }], true).keep, 'Keep Pending');
  const three = cancelConfirmation([{ id: '1', name: 'a' }, { id: '2', name: 'b' }, { id: '3' }]);
  assert.equal(three.message, 'Cancel 3 jobs?');
  assert.equal(three.confirm, 'Cancel Jobs');
  assert.equal(three.keep, 'Keep Running');
  assert.match(three.detail, /^1 \(a\), 2 \(b\), 3\. /);
  const many = cancelConfirmation(Array.from({ length: 8 }, (_, i) => ({ id: String(i) })));
  assert.match(many.detail, /, and 3 more\./);
  for (const w of [three, many]) assert.ok(![w.confirm, w.keep].includes('Cancel'), 'never a bare "Cancel" button');
});

test('the time-used bar: five cells of elapsed against the limit, a started cell counts, none without a finite limit', () => {
  assert.equal(timeUsedBar('0:00', '10:00'), '▱▱▱▱▱');
  assert.equal(timeUsedBar('0:01', '10:00'), '▰▱▱▱▱');
  assert.equal(timeUsedBar('4:00', '10:00'), '▰▰▱▱▱');
  assert.equal(timeUsedBar('1:00:00', '2:00:00'), '▰▰▰▱▱');
  assert.equal(timeUsedBar('1-00:00:00', '1-00:00:00'), '▰▰▰▰▰');
  assert.equal(timeUsedBar('2:05:00', '2:00:00'), '▰▰▰▰▰', 'over the limit (grace time) stays full');
  for (const limit of ['UNLIMITED', 'N/A', 'Partition_Limit', '0:00', 'garbage']) assert.equal(timeUsedBar('1:00', limit), undefined, limit);
});

test('labels show id and a short name; the description starts with the state and stays short', () => {
  const long = row({ name: 'preprocess-imagenet-shards-with-augmentation-v2' });
  assert.equal(jobLabel(long), `5 ${long.name.slice(0, LABEL_NAME_MAX - 1)}…`);
  assert.ok(jobLabel(long).length <= 5 + LABEL_NAME_MAX);
  assert.equal(jobLabel(row({})), '5 train.py');
  assert.equal(jobDescription(row({ partition: 'debug', elapsed: '1:02', timeLimit: '5:00', nodes: 'node1' })), 'RUNNING · ▰▰▱▱▱ 1:02 / 5:00');
  assert.equal(jobDescription(row({ elapsed: '1:02', timeLimit: 'UNLIMITED' })), 'RUNNING · 1:02 / UNLIMITED');
  assert.equal(jobDescription(row({ state: 'FAILED', partition: 'debug', exitCode: '3:0' })), 'FAILED · exit 3:0');
  assert.equal(jobDescription(row({ state: 'COMPLETED', exitCode: '0:0' })), 'COMPLETED');
});
