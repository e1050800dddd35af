/**
 * The words of the job-action dialogs, as plain data so they are unit-testable: a question that
 * names what is affected, a destructive button that says what it does, and a safe one that says
 * what happens otherwise (never a bare "Cancel", which here would mean two different things).
 */
export interface ConfirmWords {
  message: string;
  detail: string;
  confirm: string;
  keep: string;
}

export interface NamedJob {
  id: string;
  name?: string;
}

/** "Cancel job 5 (train.py)?" / "Cancel 3 jobs?", buttons "Cancel Job(s)" / "Keep Running" (or "Keep Pending"). */
export function cancelConfirmation(jobs: readonly NamedJob[], allPending = false): ConfirmWords {
  const keep = allPending ? 'Keep Pending' : 'Keep Running';
  if (jobs.length === 1) {
    const [job] = jobs;
    return {
      message: `Cancel job ${job.id}${job.name ? ` (${job.name})` : ''}?`,
      detail: allPending ? 'It leaves the queue; scancel cannot be undone.' : 'If it is running it is stopped; scancel cannot be undone.',
      confirm: 'Cancel Job',
      keep,
    };
  }
  const shown = jobs.slice(0, 5).map((j) => (j.name ? `${j.id} (${j.name})` : j.id));
  return {
    message: `Cancel ${jobs.length} jobs?`,
    detail: `${shown.join(', ')}${jobs.length > 5 ? `, and ${jobs.length - 5} more` : ''}. Running ones are stopped; scancel cannot be undone.`,
    confirm: 'Cancel Jobs',
    keep,
  };
}
