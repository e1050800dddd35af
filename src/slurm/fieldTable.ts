/**
 * A listing's fields declared once, in output order: the model key, Slurm's format key, and how
 * the raw text is checked. Everything else is derived from the table — the format string, the
 * field count, each field's position (`at.name`, never `fields[5]`) and the numeric columns zod
 * checks once per listing (records.ts ColumnCollector) — so adding, moving or removing a field is
 * one line.
 */
import type { NumericColumn } from './records';

export interface FieldSpec {
  /** The model key (and the name positions are looked up by). */
  readonly key: string;
  /** Slurm's name for the field in -O / --format. */
  readonly field: string;
  /** Checked as a whole number ('int') or one that may be absent ('optionalInt'); text otherwise. */
  readonly check?: 'int' | 'optionalInt';
}

export interface FieldTable<K extends string> {
  readonly specs: readonly FieldSpec[];
  /** Slurm's field names, in output order. */
  readonly fields: readonly string[];
  readonly count: number;
  /** Position of each key in a record. */
  readonly at: Readonly<Record<K, number>>;
  /** The numeric columns, for ColumnCollector. */
  readonly numeric: readonly NumericColumn[];
}

export function fieldTable<const T extends readonly FieldSpec[]>(specs: T): FieldTable<T[number]['key']> {
  const at: Record<string, number> = {};
  specs.forEach((s, i) => {
    if (s.key in at) throw new Error(`field table: key ${s.key} declared twice`);
    at[s.key] = i;
  });
  const numeric = specs.flatMap((s, index): NumericColumn[] => (s.check ? [{ index, field: s.field, optional: s.check === 'optionalInt' }] : []));
  return { specs, fields: specs.map((s) => s.field), count: specs.length, at: at as Record<T[number]['key'], number>, numeric };
}
