// slurm.workflows.filePattern: which files count as workflows (CodeLens, diagnostics, menus). Globs
// as VS Code settings write them, matched against the workspace-relative path. No VS Code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_WORKFLOW_PATTERN, globToRegExp, matchesWorkflowPattern } from '../../src/workflow/filePattern';

test('the default matches *.slurm.yaml and *.slurm.yml at any depth, nothing else', () => {
  for (const p of ['diamond.slurm.yaml', 'a/b/diamond.slurm.yml', 'x.slurm.yaml']) assert.ok(matchesWorkflowPattern(DEFAULT_WORKFLOW_PATTERN, `/ws/${p}`, p), p);
  for (const p of ['diamond.yaml', 'slurm.yaml', 'a/diamond.slurm.yaml.bak', 'a/diamond.slurm.json']) assert.ok(!matchesWorkflowPattern(DEFAULT_WORKFLOW_PATTERN, `/ws/${p}`, p), p);
});

test('a folder pattern matches inside that folder only; * stays inside one name', () => {
  assert.ok(matchesWorkflowPattern('pipelines/*.yaml', '/ws/pipelines/train.yaml', 'pipelines/train.yaml'));
  assert.ok(!matchesWorkflowPattern('pipelines/*.yaml', '/ws/pipelines/old/train.yaml', 'pipelines/old/train.yaml'));
  assert.ok(!matchesWorkflowPattern('pipelines/*.yaml', '/ws/other/train.yaml', 'other/train.yaml'));
  assert.ok(matchesWorkflowPattern('pipelines/**/*.yaml', '/ws/pipelines/old/train.yaml', 'pipelines/old/train.yaml'));
  assert.ok(matchesWorkflowPattern('pipelines/**/*.yaml', '/ws/pipelines/train.yaml', 'pipelines/train.yaml'), '** also matches no folder');
});

test('?, [class], {alternatives} and characters special to regular expressions', () => {
  assert.ok(globToRegExp('wf?.y{a,}ml').test('wf1.yml'));
  assert.ok(globToRegExp('wf?.y{a,}ml').test('wf1.yaml'));
  assert.ok(!globToRegExp('wf?.yaml').test('wf12.yaml'));
  assert.ok(globToRegExp('run[0-9].yaml').test('run7.yaml'));
  assert.ok(!globToRegExp('run[!0-9].yaml').test('run7.yaml'));
  assert.ok(globToRegExp('a+b (1).yaml').test('a+b (1).yaml'));
  assert.ok(!globToRegExp('a.yaml').test('aXyaml'), 'a dot is a dot');
});

test('outside a workspace folder, a ** pattern matches the absolute path; Windows separators are read as /', () => {
  assert.ok(matchesWorkflowPattern(DEFAULT_WORKFLOW_PATTERN, '/tmp/x/diamond.slurm.yaml'));
  assert.ok(matchesWorkflowPattern('**/*.slurm.yaml', 'C:\\work\\diamond.slurm.yaml', 'sub\\diamond.slurm.yaml'));
});
