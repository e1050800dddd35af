/**
 * Internal: a single field did not have the expected form. Parsers catch it and rethrow a
 * SlurmParseError that names the call and shows the whole offending line.
 */
export class FieldFormatError extends Error {
  constructor(
    readonly field: string,
    readonly value: string,
    expected: string,
  ) {
    super(`${field} ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)} is not ${expected}`);
    this.name = 'FieldFormatError';
  }
}
