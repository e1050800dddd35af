/** The remote files part of the extension's API (session/api.ts), for our tests inside VS Code. */
export type ConflictAnswer = 'Overwrite' | 'Cancel';

export interface RemoteFilesApi {
  /** Answer the next save conflicts without the modal (the modal cannot be clicked from the extension host); undefined: ask again. */
  answerConflicts(answer: ConflictAnswer | undefined): void;
  /** The conflicts asked about so far (their messages), oldest first. */
  conflicts(): string[];
}
