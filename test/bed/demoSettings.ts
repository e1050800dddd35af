// Writes the demo's code-server settings (run by demo.sh: `node --import tsx test/bed/demoSettings.ts
// <cluster.json> <User/settings.json> <Machine/settings.json>`), merged into what the demo's user set.
// The workbench's own settings go to User/. The bundled cluster's profile goes to Machine/, through
// the same profileFromBed/mergeBundledProfile as "Set Up Bundled Cluster" (key login; the password
// never goes into settings): code-server's window is a remote one, whose machine-scoped settings
// (slurm.profiles) come from the remote side — a value in User/ counts only until the window's first
// settings write, then it is dropped.
import { readFileSync, writeFileSync } from 'node:fs';
import { mergeBundledProfile, parseBundledBed, profileFromBed } from '../../src/onboarding/bundledCluster';

function readSettings(file: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {}; // missing, or edited into JSON with comments: start from fresh settings
  }
}

const [clusterFile, userFile, machineFile] = process.argv.slice(2);
if (!clusterFile || !userFile || !machineFile) throw new Error('usage: demoSettings.ts <cluster.json> <User/settings.json> <Machine/settings.json>');
const bed = parseBundledBed(readFileSync(clusterFile, 'utf8'), clusterFile);

const user = readSettings(userFile);
const olderProfiles = user['slurm.profiles']; // older demos kept the profile here
delete user['slurm.profiles'];
Object.assign(user, {
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'extensions.ignoreRecommendations': true,
  // The bundled cluster's daemons listen locally: no port-forwarding pop-ups, no parent-repo prompt.
  'remote.autoForwardPorts': false,
  'git.openRepositoryInParentFolders': 'never',
});

const machine = readSettings(machineFile);
machine['slurm.profiles'] = mergeBundledProfile(machine['slurm.profiles'] ?? olderProfiles, profileFromBed(bed)).profiles;

writeFileSync(userFile, `${JSON.stringify(user, null, 2)}\n`);
writeFileSync(machineFile, `${JSON.stringify(machine, null, 2)}\n`);
