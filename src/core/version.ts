export const EXTENSION_ID = 'slurm-workbench.slurm-workbench';
