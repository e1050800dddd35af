/**
 * The Slurm command layer: every call is plain data (argv) plus a pure parser; `runCall` runs one
 * through a Transport. No `vscode` here.
 */
export type { SlurmCall, SlurmCallOutput, RunCallOptions } from './call';
export { runCall, parseResult, DEFAULT_SLURM_TIMEOUT_MS } from './call';
export { SlurmCommandError, SlurmParseError, SlurmArgumentError, isTransientSlurmError, isRateLimited } from './errors';
export type { ClusterContext } from './context';
export { describeSbatchEnvironment, probeCluster, sbatchEnvironmentCall, utcOffsetCall, userNameCall } from './context';
export type { SlurmVersion, SlurmFeatures, VersionDifference } from './version';
export { versionCall, parseSlurmVersion, featuresOf, atLeast, compareVersions, untestedVersionWarning, TESTED_RELEASES, VERSION_DIFFERENCES } from './version';
export type { JobId, TaskRange } from './jobId';
export { parseJobId, parseTaskExpression, taskCount } from './jobId';
export type { JobState, JobPhase, KnownJobState } from './jobState';
export { parseJobState, JOB_STATES } from './jobState';
export type { Duration } from './duration';
export { parseDuration, formatDuration, durationSeconds } from './duration';
export type { ExitCode } from './exitCode';
export { parseExitCode, parseExitCodeOrWaitStatus, formatExitCode } from './exitCode';
export { parseSlurmTime, parseUtcOffset, SLURM_TIME_FORMAT } from './time';
export type { Job } from './job';
export type { SqueueOptions } from './squeue';
export { squeueCall, squeueArgv, parseSqueue, SQUEUE_FIELDS } from './squeue';
export type { AccountingJob } from './sacct';
export { sacctCall, sacctArgv, parseSacct, SACCT_FIELDS, SACCT_MAX_IDS } from './sacct';
export { sacctWindowCall, sacctWindowArgv, FINISHED_STATE_CODES } from './sacctWindow';
export type { AccountingAnswer } from './accounting';
export { runAccountingCall, accountingAnswer, accountingDisabledOn, isAccountingDisabled, NO_ACCOUNTING_NOTICE } from './accounting';
export type { ScontrolJob, ScontrolJobAction } from './scontrol';
export { scontrolShowJobCall, scontrolShowJobArgv, parseScontrolShowJob, parseKeyValueLine, scontrolActionCall, scontrolUpdateJobCall } from './scontrol';
export type { ClusterInfo, NodeInfo, PartitionInfo } from './sinfo';
export { sinfoCall, parseSinfo } from './sinfo';
export type { SbatchOptions, SubmitResult } from './sbatch';
export { sbatchCall, sbatchArgv, parseSbatch } from './sbatch';
export type { ScancelOptions } from './scancel';
export { scancelCall } from './scancel';
export type { LogPathJob, LogPaths } from './logPath';
export { resolveLogPaths, expandLogPattern, defaultLogPattern } from './logPath';
export { gpusInGres, gpusInTres, parseTresList, parseMemoryMb } from './tres';
export { FIELD_SEP, RECORD_END } from './records';
export type { QosInfo } from './qos';
export { qosCall, qosArgv, parseQos, qosSummary, QOS_FIELDS } from './qos';
