/**
 * A date or timestamp YAML wrote unquoted (`2024-01-31`, `2024-01-31 10:00:00`), which PyYAML (and
 * so dbt) reads as a `datetime.date` or `datetime.datetime`, not a string. It sits in the bottom
 * layer because YAML files (config) make them; the template layer turns them into its date objects
 * (attributes, strftime, arithmetic), and everywhere else they print as Python prints them.
 */

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export class YamlTimestamp {
  private constructor(
    /** The text as the file wrote it. */
    readonly text: string,
    readonly kind: 'date' | 'datetime',
    readonly year: number,
    readonly month: number,
    readonly day: number,
    readonly hour: number,
    readonly minute: number,
    readonly second: number,
    readonly microsecond: number,
    /** The UTC offset in minutes (`Z` is 0); null for a naive datetime (and for a date). */
    readonly offsetMinutes: number | null,
  ) {}

  /**
   * The value of a YAML 1.1 timestamp ({@link YAML_DATE}, {@link YAML_DATETIME}); undefined for other
   * text and for a calendar date or time that does not exist (`2024-02-30`, which PyYAML refuses).
   */
  static parse(text: string): YamlTimestamp | undefined {
    const date = YAML_DATE.exec(text);
    if (date) {
      const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
      return validDate(year, month, day) ? new YamlTimestamp(text, 'date', year, month, day, 0, 0, 0, 0, null) : undefined;
    }
    const m = YAML_DATETIME.exec(text);
    if (!m) return undefined;
    const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
    if (!validDate(year!, month!, day!) || hour! > 23 || minute! > 59 || second! > 59) return undefined;
    // PyYAML keeps six digits of the fraction (more are cut, fewer padded)
    const microsecond = m[7] ? Number(m[7].slice(0, 6).padEnd(6, '0')) : 0;
    const offset = m[8] ? 0 : m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11] ?? 0)) : null;
    return new YamlTimestamp(text, 'datetime', year!, month!, day!, hour!, minute!, second!, microsecond, offset);
  }

  /** Python's str(): `2024-01-31`, `2024-01-31 10:00:00`, `2024-01-31 10:00:00.500000+02:00`. */
  toString(): string {
    return this.format(' ');
  }

  /** Python's isoformat(), which dbt writes into its JSON artifacts: `2024-01-31T10:00:00`. */
  toJSON(): string {
    return this.format('T');
  }

  private format(sep: string): string {
    const date = `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
    if (this.kind === 'date') return date;
    const time = `${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${this.microsecond ? `.${pad(this.microsecond, 6)}` : ''}`;
    if (this.offsetMinutes === null) return `${date}${sep}${time}`;
    const off = Math.abs(this.offsetMinutes);
    return `${date}${sep}${time}${this.offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(off / 60))}:${pad(off % 60)}`;
  }
}

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

/** YAML 1.1's timestamp, date form: `yyyy-mm-dd`. */
export const YAML_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * YAML 1.1's timestamp with a time: one- or two-digit month and day, `T`/`t` or blanks, a time with an
 * optional fraction, and an optional `Z` or `±hh[:mm]` (blanks may come before it).
 */
export const YAML_DATETIME = /^(\d{4})-(\d\d?)-(\d\d?)(?:[Tt]|[ \t]+)(\d\d?):(\d\d):(\d\d)(?:\.(\d*))?(?:[ \t]*(?:(Z)|([-+])(\d\d?)(?::(\d\d))?))?$/;
