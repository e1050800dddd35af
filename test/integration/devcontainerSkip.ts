// Suites that reach into the NATIVE cluster on this machine (its local /proc, its `scontrol` as
// root, its daemons) cannot run inside the dev container, where the cluster lives in other
// containers and is reached only over ssh to login:2222. They skip there, saying why.
import { detectExecutionMode } from '../bed/mode';

export const inDevContainer = detectExecutionMode() === 'devcontainer';

/** A `skip` option for node:test: the reason in the dev container, false elsewhere. */
export function nativeClusterOnly(why: string): string | false {
  return inDevContainer ? `dev container: ${why}` : false;
}
