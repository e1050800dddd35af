/** `slurm.profiles` is read in configuration.ts, the one reader of settings; re-exported for the features that import it from here. */
export { readProfilesSetting } from './configuration';
