/**
 * Writing `#SBATCH` lines that sbatch reads back as exactly the value we meant. Values that are
 * plain words are written as is; anything else is double-quoted with `\` before `"` and `\`
 * (sbatch's get_argument honours backslash escapes inside quotes, and `#` or spaces inside quotes
 * are literal). Control characters cannot be written on one line and are refused up front, so a
 * value can never start a new line (a new directive or a command). VS Code-free.
 */
import { UserFacingError } from '../core/errors';

const PLAIN = /^[A-Za-z0-9_@%+=:,./\-[\]]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function hasControlCharacters(value: string): boolean {
  return CONTROL.test(value);
}

export function formatDirectiveValue(value: string): string {
  if (hasControlCharacters(value)) {
    throw new UserFacingError(
      `The value ${JSON.stringify(value.slice(0, 60))} contains a line break or control character and cannot be written in an #SBATCH line.`,
      'Remove the line break or control character and try again.',
    );
  }
  if (value !== '' && PLAIN.test(value)) return value;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `#SBATCH --option=value` or `#SBATCH --flag`. */
export function formatDirective(option: string, value?: string): string {
  if (!/^[a-z][a-z-]*$/.test(option)) throw new UserFacingError(`"${option}" is not an sbatch option name.`, 'Use the long name without dashes, e.g. "job-name".');
  return value === undefined ? `#SBATCH --${option}` : `#SBATCH --${option}=${formatDirectiveValue(value)}`;
}
