/**
 * `modules.datetime`: Python's datetime module as templates use it (dbt exports `date`, `datetime`,
 * `time`, `timedelta`, `tzinfo`; `timezone` too). Values render as Python's `str()` does, compare
 * with `<`/`>` through `valueOf()`, and implement Python's operators as `__add__`/`__sub__`/
 * `__eq__`/`__lt__`… for the template language's operators to call.
 *
 * A datetime keeps its wall-clock fields and an optional tzinfo (naive when none), as Python does:
 * arithmetic is on the wall clock, `astimezone` converts through UTC.
 */
import { PyFloat } from '../../../jinja/index.js';
import { typeError } from '../../../jinja/python/errors.js';
import { kwargsOf } from '../kwargs.js';

const US_PER_SECOND = 1_000_000;
const US_PER_DAY = 86_400 * US_PER_SECOND;
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export class PyValueError extends Error {}

/** The other side of an ordering comparison; a date and a datetime do not compare, as in Python. */
function comparable(self: PyDate, o: unknown): number {
  if (o instanceof PyDate && self instanceof PyDateTime !== o instanceof PyDateTime) {
    const name = (d: PyDate) => (d instanceof PyDateTime ? 'datetime.datetime' : 'datetime.date');
    throw typeError(`can't compare ${name(self)} to ${name(o)}`);
  }
  return Number(o);
}

/** The format of strftime(format) or strftime(format=...). */
function formatArg(args: readonly unknown[]): string {
  const fmt = kwargsOf(args, ['format'])['format'];
  if (typeof fmt !== 'string') throw new PyValueError(`strftime() argument 1 must be str, not ${fmt === undefined ? 'nothing' : typeof fmt}`);
  return fmt;
}

/** A clock as isoformat writes it for `timespec` (auto, hours, minutes, seconds, milliseconds, microseconds). */
function clockText(hour: number, minute: number, second: number, microsecond: number, timespec: string): string {
  switch (timespec) {
    case 'hours':
      return pad(hour);
    case 'minutes':
      return `${pad(hour)}:${pad(minute)}`;
    case 'seconds':
      return `${pad(hour)}:${pad(minute)}:${pad(second)}`;
    case 'milliseconds':
      return `${pad(hour)}:${pad(minute)}:${pad(second)}.${pad(Math.floor(microsecond / 1000), 3)}`;
    case 'microseconds':
      return `${pad(hour)}:${pad(minute)}:${pad(second)}.${pad(microsecond, 6)}`;
    case 'auto':
      return `${pad(hour)}:${pad(minute)}:${pad(second)}${microsecond ? `.${pad(microsecond, 6)}` : ''}`;
    default:
      throw new PyValueError(`Unknown timespec value`);
  }
}

function pad(n: number, w = 2): string {
  const s = String(Math.abs(n)).padStart(w, '0');
  return n < 0 ? `-${s}` : s;
}

/** Python's ordinal of a proleptic Gregorian date: 0001-01-01 is day 1 (days-from-civil arithmetic). */
function toOrdinal(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  // days since 0000-03-01, shifted so that 0001-01-01 is 1
  return era * 146_097 + doe - 305;
}

function fromOrdinal(n: number): [number, number, number] {
  const z = n + 305;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function checkDate(y: number, m: number, d: number): void {
  if (!Number.isInteger(y) || y < 1 || y > 9999) throw new PyValueError(`year ${y} is out of range`);
  if (!Number.isInteger(m) || m < 1 || m > 12) throw new PyValueError('month must be in 1..12');
  if (!Number.isInteger(d) || d < 1 || d > daysInMonth(y, m)) throw new PyValueError('day is out of range for month');
}

/** The UTC offset a tzinfo gives for a moment (as a timedelta), or none for a naive value. */
export interface TzInfo {
  utcoffset(dt: PyDateTime | null): PyTimeDelta | null;
  tzname(dt: PyDateTime | null): string | null;
  dst(dt: PyDateTime | null): PyTimeDelta | null;
  /** The wall time in this zone of `dt`, a UTC wall time (Python's `tzinfo.fromutc`). */
  fromutc(dt: PyDateTime): PyDateTime;
}

export class PyTimeDelta {
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;

  constructor(...args: unknown[]) {
    const kw = kwargsOf(args, ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks']);
    const num = (k: string) => Number(kw[k] ?? 0);
    const total = Math.round(
      num('weeks') * 7 * US_PER_DAY + num('days') * US_PER_DAY + num('hours') * 3600 * US_PER_SECOND + num('minutes') * 60 * US_PER_SECOND + num('seconds') * US_PER_SECOND + num('milliseconds') * 1000 + num('microseconds'),
    );
    const days = Math.floor(total / US_PER_DAY);
    const rest = total - days * US_PER_DAY;
    this.days = days;
    this.seconds = Math.floor(rest / US_PER_SECOND);
    this.microseconds = rest - this.seconds * US_PER_SECOND;
  }

  static ofMicros(us: number): PyTimeDelta {
    return new PyTimeDelta(0, 0, us);
  }

  /** Total microseconds. */
  get micros(): number {
    return this.days * US_PER_DAY + this.seconds * US_PER_SECOND + this.microseconds;
  }

  /** A float, as Python's (`90.0`: a whole number of seconds still prints as a float). */
  total_seconds(): number | PyFloat {
    const seconds = this.micros / US_PER_SECOND;
    return Number.isInteger(seconds) ? new PyFloat(seconds) : seconds;
  }

  valueOf(): number {
    return this.micros;
  }

  __add__(o: unknown): unknown {
    if (o instanceof PyTimeDelta) return PyTimeDelta.ofMicros(this.micros + o.micros);
    if (o instanceof PyDateTime || o instanceof PyDate) return o.__add__(this);
    return NotImplemented;
  }
  __radd__(o: unknown): unknown {
    return this.__add__(o);
  }
  __sub__(o: unknown): unknown {
    return o instanceof PyTimeDelta ? PyTimeDelta.ofMicros(this.micros - o.micros) : NotImplemented;
  }
  __mul__(o: unknown): unknown {
    return typeof o === 'number' ? PyTimeDelta.ofMicros(Math.round(this.micros * o)) : NotImplemented;
  }
  __rmul__(o: unknown): unknown {
    return this.__mul__(o);
  }
  __truediv__(o: unknown): unknown {
    if (o instanceof PyTimeDelta) return this.micros / o.micros;
    return typeof o === 'number' ? PyTimeDelta.ofMicros(Math.round(this.micros / o)) : NotImplemented;
  }
  __floordiv__(o: unknown): unknown {
    if (o instanceof PyTimeDelta) return Math.floor(this.micros / o.micros);
    return typeof o === 'number' ? PyTimeDelta.ofMicros(Math.floor(this.micros / o)) : NotImplemented;
  }
  __neg__(): PyTimeDelta {
    return PyTimeDelta.ofMicros(-this.micros);
  }
  __abs__(): PyTimeDelta {
    return PyTimeDelta.ofMicros(Math.abs(this.micros));
  }
  __eq__(o: unknown): boolean {
    return o instanceof PyTimeDelta && o.micros === this.micros;
  }
  __lt__(o: unknown): boolean {
    return o instanceof PyTimeDelta && this.micros < o.micros;
  }
  __le__(o: unknown): boolean {
    return o instanceof PyTimeDelta && this.micros <= o.micros;
  }
  __gt__(o: unknown): boolean {
    return o instanceof PyTimeDelta && this.micros > o.micros;
  }
  __ge__(o: unknown): boolean {
    return o instanceof PyTimeDelta && this.micros >= o.micros;
  }

  /** Python's `str(timedelta)`: `1 day, 2:03:04.000005`. */
  /** `{{ value }}` and `~` give the text; `<`, `>` and `-` the number. */
  [Symbol.toPrimitive](hint: string): string | number {
    return hint === 'number' ? this.valueOf() : this.toString();
  }
  toString(): string {
    const hh = Math.floor(this.seconds / 3600);
    const mm = Math.floor((this.seconds % 3600) / 60);
    const ss = this.seconds % 60;
    const clock = `${hh}:${pad(mm)}:${pad(ss)}${this.microseconds ? `.${pad(this.microseconds, 6)}` : ''}`;
    return this.days ? `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${clock}` : clock;
  }
  __str__(): string {
    return this.toString();
  }
  __repr__(): string {
    const parts = [this.days && `days=${this.days}`, this.seconds && `seconds=${this.seconds}`, this.microseconds && `microseconds=${this.microseconds}`].filter(Boolean);
    return `datetime.timedelta(${parts.join(', ')})`;
  }
}

/** Python's NotImplemented: an operator the operands do not support (the template runtime's symbol). */
export const NotImplemented: unique symbol = Symbol.for('bmp.py.NotImplemented') as never;

/** A fixed-offset tzinfo (`datetime.timezone`, pytz's `utc` and `FixedOffset`). */
export class PyTimezone implements TzInfo {
  static readonly utc = new PyTimezone(new PyTimeDelta(0), 'UTC');
  readonly offset: PyTimeDelta;
  private readonly label: string | undefined;

  constructor(offset: PyTimeDelta | unknown, name?: string) {
    const kw = kwargsOf([offset, name], ['offset', 'name']);
    this.offset = kw['offset'] as PyTimeDelta;
    if (!(this.offset instanceof PyTimeDelta)) throw new PyValueError('timezone() takes a timedelta offset');
    this.label = kw['name'] as string | undefined;
  }
  utcoffset(): PyTimeDelta {
    return this.offset;
  }
  tzname(): string {
    if (this.label) return this.label;
    return this.offset.micros === 0 ? 'UTC' : `UTC${formatOffset(this.offset, ':')}`;
  }
  dst(): null {
    return null;
  }
  fromutc(dt: PyDateTime): PyDateTime {
    return PyDateTime.fromWallMicros(dt.wallMicros + this.offset.micros, this);
  }
  get zone(): string {
    return this.tzname();
  }
  toString(): string {
    return this.tzname();
  }
}

/** `+05:30` for an offset (or `+0530` with sep ''). */
export function formatOffset(off: PyTimeDelta, sep = ':'): string {
  const us = off.micros;
  const sign = us < 0 ? '-' : '+';
  const abs = Math.abs(us);
  const h = Math.floor(abs / (3600 * US_PER_SECOND));
  const m = Math.floor((abs % (3600 * US_PER_SECOND)) / (60 * US_PER_SECOND));
  const s = Math.floor((abs % (60 * US_PER_SECOND)) / US_PER_SECOND);
  const micro = abs % US_PER_SECOND;
  return `${sign}${pad(h)}${sep}${pad(m)}${s || micro ? `${sep}${pad(s)}` : ''}${micro ? `.${pad(micro, 6)}` : ''}`;
}

export class PyDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;

  constructor(...args: unknown[]) {
    const kw = kwargsOf(args, ['year', 'month', 'day']);
    this.year = Number(kw['year']);
    this.month = Number(kw['month']);
    this.day = Number(kw['day']);
    checkDate(this.year, this.month, this.day);
  }

  static today(): PyDate {
    const d = new Date();
    return new PyDate(d.getFullYear(), d.getMonth() + 1, d.getDate());
  }
  static fromordinal(n: number): PyDate {
    return new PyDate(...fromOrdinal(n));
  }
  static fromisoformat(s: string): PyDate {
    const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(String(s));
    if (!m) throw new PyValueError(`Invalid isoformat string: '${s}'`);
    return new PyDate(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  static fromtimestamp(ts: number): PyDate {
    const d = new Date(ts * 1000);
    return new PyDate(d.getFullYear(), d.getMonth() + 1, d.getDate());
  }

  toordinal(): number {
    return toOrdinal(this.year, this.month, this.day);
  }
  weekday(): number {
    return (this.toordinal() + 6) % 7;
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  /** (ISO year, ISO week, ISO weekday). */
  isocalendar(): [number, number, number] {
    const ord = this.toordinal();
    const wd = this.weekday();
    const thursday = ord - wd + 3;
    const [isoYear] = fromOrdinal(thursday);
    const week1Thursday = toOrdinal(isoYear, 1, 1) + ((3 - new PyDate(isoYear, 1, 1).weekday() + 7) % 7);
    return [isoYear, Math.floor((thursday - week1Thursday) / 7) + 1, wd + 1];
  }
  replace(...args: unknown[]): PyDate {
    const kw = kwargsOf(args, ['year', 'month', 'day']);
    return new PyDate(kw['year'] ?? this.year, kw['month'] ?? this.month, kw['day'] ?? this.day);
  }
  isoformat(): string {
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
  }
  strftime(...args: unknown[]): string {
    return strftime(formatArg(args), { y: this.year, m: this.month, d: this.day, H: 0, M: 0, S: 0, us: 0, weekday: this.weekday(), yday: this.toordinal() - toOrdinal(this.year, 1, 1) + 1, iso: this.isocalendar() });
  }
  ctime(): string {
    return this.strftime('%a %b %e 00:00:00 %Y');
  }
  timetuple(): number[] {
    return [this.year, this.month, this.day, 0, 0, 0, this.weekday(), this.toordinal() - toOrdinal(this.year, 1, 1) + 1, -1];
  }
  /** Microseconds from 1970-01-01 to its midnight (the base datetimes count from too). */
  valueOf(): number {
    return (this.toordinal() - ORDINAL_1970) * US_PER_DAY;
  }

  __add__(o: unknown): unknown {
    if (!(o instanceof PyTimeDelta)) return NotImplemented;
    return PyDate.fromordinal(this.toordinal() + o.days);
  }
  __radd__(o: unknown): unknown {
    return this.__add__(o);
  }
  __sub__(o: unknown): unknown {
    if (o instanceof PyTimeDelta) return PyDate.fromordinal(this.toordinal() - o.days);
    if (o instanceof PyDate && !(o instanceof PyDateTime)) return new PyTimeDelta(this.toordinal() - o.toordinal());
    return NotImplemented;
  }
  __eq__(o: unknown): boolean {
    return o instanceof PyDate && !(o instanceof PyDateTime) && o.toordinal() === this.toordinal();
  }
  __lt__(o: unknown): boolean {
    return this.valueOf() < comparable(this, o);
  }
  __le__(o: unknown): boolean {
    return this.valueOf() <= comparable(this, o);
  }
  __gt__(o: unknown): boolean {
    return this.valueOf() > comparable(this, o);
  }
  __ge__(o: unknown): boolean {
    return this.valueOf() >= comparable(this, o);
  }
  /** `{{ value }}` and `~` give the text; `<`, `>` and `-` the number. */
  [Symbol.toPrimitive](hint: string): string | number {
    return hint === 'number' ? this.valueOf() : this.toString();
  }
  toString(): string {
    return this.isoformat();
  }
  /** JSON (manifest.json configs) as dbt's encoder writes dates and times: isoformat(). */
  toJSON(): string {
    return this.isoformat();
  }
  __str__(): string {
    return this.toString();
  }
  __repr__(): string {
    return `datetime.date(${this.year}, ${this.month}, ${this.day})`;
  }
}

export class PyTime {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  readonly tzinfo: TzInfo | null;

  constructor(...args: unknown[]) {
    const kw = kwargsOf(args, ['hour', 'minute', 'second', 'microsecond', 'tzinfo']);
    this.hour = Number(kw['hour'] ?? 0);
    this.minute = Number(kw['minute'] ?? 0);
    this.second = Number(kw['second'] ?? 0);
    this.microsecond = Number(kw['microsecond'] ?? 0);
    this.tzinfo = (kw['tzinfo'] as TzInfo | undefined) ?? null;
    if (this.hour < 0 || this.hour > 23) throw new PyValueError('hour must be in 0..23');
    if (this.minute < 0 || this.minute > 59) throw new PyValueError('minute must be in 0..59');
    if (this.second < 0 || this.second > 59) throw new PyValueError('second must be in 0..59');
  }
  isoformat(...args: unknown[]): string {
    return clockText(this.hour, this.minute, this.second, this.microsecond, String(kwargsOf(args, ['timespec'])['timespec'] ?? 'auto'));
  }
  strftime(...args: unknown[]): string {
    return strftime(formatArg(args), { y: 1900, m: 1, d: 1, H: this.hour, M: this.minute, S: this.second, us: this.microsecond, weekday: 0, yday: 1, iso: [1900, 1, 1] });
  }
  replace(...args: unknown[]): PyTime {
    const kw = kwargsOf(args, ['hour', 'minute', 'second', 'microsecond', 'tzinfo']);
    return new PyTime(kw['hour'] ?? this.hour, kw['minute'] ?? this.minute, kw['second'] ?? this.second, kw['microsecond'] ?? this.microsecond, 'tzinfo' in kw ? kw['tzinfo'] : this.tzinfo);
  }
  valueOf(): number {
    return ((this.hour * 60 + this.minute) * 60 + this.second) * US_PER_SECOND + this.microsecond;
  }
  /** `{{ value }}` and `~` give the text; `<`, `>` and `-` the number. */
  [Symbol.toPrimitive](hint: string): string | number {
    return hint === 'number' ? this.valueOf() : this.toString();
  }
  toString(): string {
    return this.isoformat();
  }
  /** JSON (manifest.json configs) as dbt's encoder writes dates and times: isoformat(). */
  toJSON(): string {
    return this.isoformat();
  }
  __str__(): string {
    return this.toString();
  }
  __repr__(): string {
    return `datetime.time(${[this.hour, this.minute, this.second, this.microsecond].filter((v, i) => i < 2 || v).join(', ')})`;
  }
}

export class PyDateTime extends PyDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  readonly tzinfo: TzInfo | null;

  constructor(...args: unknown[]) {
    const kw = kwargsOf(args, ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo']);
    super(kw['year'], kw['month'], kw['day']);
    this.hour = Number(kw['hour'] ?? 0);
    this.minute = Number(kw['minute'] ?? 0);
    this.second = Number(kw['second'] ?? 0);
    this.microsecond = Number(kw['microsecond'] ?? 0);
    this.tzinfo = (kw['tzinfo'] as TzInfo | undefined) ?? null;
    if (!Number.isInteger(this.hour) || this.hour < 0 || this.hour > 23) throw new PyValueError('hour must be in 0..23');
    if (!Number.isInteger(this.minute) || this.minute < 0 || this.minute > 59) throw new PyValueError('minute must be in 0..59');
    if (!Number.isInteger(this.second) || this.second < 0 || this.second > 59) throw new PyValueError('second must be in 0..59');
    if (!Number.isInteger(this.microsecond) || this.microsecond < 0 || this.microsecond > 999_999) throw new PyValueError('microsecond must be in 0..999999');
  }

  /**
   * Wall-clock microseconds since 1970-01-01 00:00 (ignoring the offset). Counted from 1970, not
   * from year 1, so they stay exact doubles (below 2^53) for ±285 years around it: counted from year
   * 1, a date of this century needs 17 digits and a microsecond was lost in `d - timedelta(microseconds=1)`.
   */
  get wallMicros(): number {
    return (this.toordinal() - ORDINAL_1970) * US_PER_DAY + ((this.hour * 60 + this.minute) * 60 + this.second) * US_PER_SECOND + this.microsecond;
  }

  static fromWallMicros(us: number, tzinfo: TzInfo | null): PyDateTime {
    const days = Math.floor(us / US_PER_DAY);
    let rest = us - days * US_PER_DAY;
    const [y, m, d] = fromOrdinal(days + ORDINAL_1970);
    const h = Math.floor(rest / (3600 * US_PER_SECOND));
    rest -= h * 3600 * US_PER_SECOND;
    const mi = Math.floor(rest / (60 * US_PER_SECOND));
    rest -= mi * 60 * US_PER_SECOND;
    const s = Math.floor(rest / US_PER_SECOND);
    return new PyDateTime(y, m, d, h, mi, s, rest - s * US_PER_SECOND, tzinfo);
  }

  /** A JS Date's instant as an aware UTC datetime (or naive UTC wall time with `naive`), keeping extra microseconds. */
  static fromJsDate(d: Date, tzinfo: TzInfo | null = PyTimezone.utc, extraMicros = 0): PyDateTime {
    const utc = PyDateTime.fromWallMicros(jsEpochMicros(d) + extraMicros, null);
    return tzinfo ? utc.replace({ tzinfo: PyTimezone.utc, __keywords: true }).astimezone(tzinfo) : utc;
  }

  static override today(): PyDateTime {
    return PyDateTime.now();
  }
  static now(tz?: unknown): PyDateTime {
    const tzinfo = (kwargsOf([tz], ['tz'])['tz'] as TzInfo | undefined) ?? null;
    const d = new Date();
    if (tzinfo) return PyDateTime.fromJsDate(d, tzinfo);
    return new PyDateTime(d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds() * 1000);
  }
  static utcnow(): PyDateTime {
    return PyDateTime.fromJsDate(new Date(), null);
  }
  static override fromtimestamp(ts: number, tz?: unknown): PyDateTime {
    const tzinfo = (kwargsOf([tz], ['tz'])['tz'] as TzInfo | undefined) ?? null;
    const d = new Date(Math.floor(Number(ts) * 1000));
    const micros = Math.round((Number(ts) * 1_000_000) % 1000);
    if (tzinfo) return PyDateTime.fromJsDate(d, tzinfo, micros);
    return new PyDateTime(d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds() * 1000 + micros);
  }
  static utcfromtimestamp(ts: number): PyDateTime {
    return PyDateTime.fromJsDate(new Date(Math.floor(Number(ts) * 1000)), null, Math.round((Number(ts) * 1_000_000) % 1000));
  }
  static combine(date: PyDate, time: PyTime, tzinfo?: TzInfo): PyDateTime {
    return new PyDateTime(date.year, date.month, date.day, time.hour, time.minute, time.second, time.microsecond, tzinfo ?? time.tzinfo);
  }
  static override fromordinal(n: number): PyDateTime {
    const [y, m, d] = fromOrdinal(n);
    return new PyDateTime(y, m, d);
  }
  static override fromisoformat(s: string): PyDateTime {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,6}))?)?)?)?\s*(Z|[+-]\d{2}:?\d{2}(?::?\d{2})?)?$/.exec(String(s).trim());
    if (!m) throw new PyValueError(`Invalid isoformat string: '${s}'`);
    const tz = m[8] ? parseOffset(m[8]) : null;
    return new PyDateTime(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), Number((m[7] ?? '0').padEnd(6, '0')), tz);
  }
  static strptime(s: string, fmt: string): PyDateTime {
    return strptime(String(s), String(fmt));
  }

  date(): PyDate {
    return new PyDate(this.year, this.month, this.day);
  }
  time(): PyTime {
    return new PyTime(this.hour, this.minute, this.second, this.microsecond);
  }
  timetz(): PyTime {
    return new PyTime(this.hour, this.minute, this.second, this.microsecond, this.tzinfo);
  }
  override replace(...args: unknown[]): PyDateTime {
    const kw = kwargsOf(args, ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo']);
    const pick = (k: string, v: unknown) => (k in kw ? kw[k] : v);
    return new PyDateTime(pick('year', this.year), pick('month', this.month), pick('day', this.day), pick('hour', this.hour), pick('minute', this.minute), pick('second', this.second), pick('microsecond', this.microsecond), pick('tzinfo', this.tzinfo));
  }
  utcoffset(): PyTimeDelta | null {
    return this.tzinfo ? this.tzinfo.utcoffset(this) : null;
  }
  tzname(): string | null {
    return this.tzinfo ? this.tzinfo.tzname(this) : null;
  }
  dst(): PyTimeDelta | null {
    return this.tzinfo ? this.tzinfo.dst(this) : null;
  }
  /** Microseconds since the Unix epoch of the instant (a naive value is local time, as in Python). */
  private epochMicros(): number {
    const off = this.utcoffset();
    if (off) return this.wallMicros - off.micros;
    const local = new Date(this.year, this.month - 1, this.day, this.hour, this.minute, this.second);
    local.setFullYear(this.year);
    return local.getTime() * 1000 + this.microsecond;
  }
  /** Seconds since the epoch: a float, as Python's (`1704164645.0` for a whole second). */
  timestamp(): number | PyFloat {
    const seconds = this.epochMicros() / US_PER_SECOND;
    return Number.isInteger(seconds) ? new PyFloat(seconds) : seconds;
  }
  /** The same instant in `tz` (in local time when none is given). */
  astimezone(tz?: unknown): PyDateTime {
    const target = (kwargsOf([tz], ['tz'])['tz'] as TzInfo | undefined) ?? null;
    const epoch = this.epochMicros();
    if (!target) {
      const d = new Date(Math.floor(epoch / 1000));
      const local = new PyDateTime(d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), ((epoch % US_PER_SECOND) + US_PER_SECOND) % US_PER_SECOND);
      return local.replace({ tzinfo: new PyTimezone(PyTimeDelta.ofMicros(-d.getTimezoneOffset() * 60 * US_PER_SECOND)), __keywords: true });
    }
    return target.fromutc(PyDateTime.fromWallMicros(epoch, target));
  }
  override isoformat(...args: unknown[]): string {
    // (rest parameters: a keyword argument arrives as the last one, `isoformat(sep=' ')`)
    const kw = kwargsOf(args, ['sep', 'timespec']);
    const clock = clockText(this.hour, this.minute, this.second, this.microsecond, String(kw['timespec'] ?? 'auto'));
    const off = this.utcoffset();
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}${String(kw['sep'] ?? 'T')}${clock}${off ? formatOffset(off, ':') : ''}`;
  }
  override strftime(...args: unknown[]): string {
    const off = this.utcoffset();
    return strftime(formatArg(args), {
      y: this.year,
      m: this.month,
      d: this.day,
      H: this.hour,
      M: this.minute,
      S: this.second,
      us: this.microsecond,
      weekday: this.weekday(),
      yday: this.toordinal() - toOrdinal(this.year, 1, 1) + 1,
      iso: this.isocalendar(),
      offset: off ? formatOffset(off, '') : '',
      zone: this.tzname() ?? '',
      epoch: () => Math.floor(Number(this.timestamp())),
    });
  }
  override ctime(): string {
    return this.strftime('%a %b %e %H:%M:%S %Y');
  }
  override valueOf(): number {
    return this.tzinfo ? this.epochMicros() : this.wallMicros;
  }

  override __add__(o: unknown): unknown {
    return o instanceof PyTimeDelta ? PyDateTime.fromWallMicros(this.wallMicros + o.micros, this.tzinfo) : NotImplemented;
  }
  override __sub__(o: unknown): unknown {
    if (o instanceof PyTimeDelta) return PyDateTime.fromWallMicros(this.wallMicros - o.micros, this.tzinfo);
    if (o instanceof PyDateTime) {
      if (!!this.tzinfo !== !!o.tzinfo) throw new TypeError("can't subtract offset-naive and offset-aware datetimes");
      return PyTimeDelta.ofMicros(this.tzinfo ? this.epochMicros() - o.epochMicros() : this.wallMicros - o.wallMicros);
    }
    return NotImplemented;
  }
  override __eq__(o: unknown): boolean {
    return o instanceof PyDateTime && o.valueOf() === this.valueOf();
  }
  override toString(): string {
    return this.isoformat(' ');
  }
  override __repr__(): string {
    const fields = [this.year, this.month, this.day, this.hour, this.minute, this.second, this.microsecond];
    while (fields.length > 5 && !fields[fields.length - 1]) fields.pop();
    return `datetime.datetime(${fields.join(', ')}${this.tzinfo ? `, tzinfo=${String(this.tzinfo)}` : ''})`;
  }
}

/** Wall microseconds of 1970-01-01 00:00 counted from 0001-01-01. */
/** The ordinal of 1970-01-01, where wall-clock microseconds count from. */
const ORDINAL_1970 = toOrdinal(1970, 1, 1);

function jsEpochMicros(d: Date): number {
  return d.getTime() * 1000;
}

function parseOffset(text: string): PyTimezone {
  if (text === 'Z' || text === 'z') return PyTimezone.utc;
  const m = /^([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?$/.exec(text);
  if (!m) throw new PyValueError(`bad UTC offset '${text}'`);
  const us = ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4] ?? 0)) * US_PER_SECOND * (m[1] === '-' ? -1 : 1);
  return us === 0 ? PyTimezone.utc : new PyTimezone(PyTimeDelta.ofMicros(us));
}

interface Fields {
  y: number;
  m: number;
  d: number;
  H: number;
  M: number;
  S: number;
  us: number;
  weekday: number;
  yday: number;
  iso: [number, number, number];
  offset?: string;
  zone?: string;
  epoch?: () => number;
}

/** C's strftime directives as Python documents them (C locale). */
function strftime(fmt: string, f: Fields): string {
  const week = (firstDay: number) => Math.floor((f.yday + 6 - ((f.weekday - firstDay + 7) % 7)) / 7);
  return fmt.replace(/%([-]?)([a-zA-Z%])/g, (whole, flag: string, c: string) => {
    const p = (n: number, w = 2) => (flag === '-' ? String(n) : pad(n, w));
    switch (c) {
      case 'a': return DAY_NAMES[f.weekday]!.slice(0, 3);
      case 'A': return DAY_NAMES[f.weekday]!;
      case 'w': return String((f.weekday + 1) % 7);
      case 'u': return String(f.weekday + 1);
      case 'd': return p(f.d);
      case 'e': return String(f.d).padStart(2, ' ');
      case 'b': case 'h': return MONTH_NAMES[f.m - 1]!.slice(0, 3);
      case 'B': return MONTH_NAMES[f.m - 1]!;
      case 'm': return p(f.m);
      case 'y': return p(f.y % 100);
      case 'Y': return flag === '-' ? String(f.y) : pad(f.y, 4);
      case 'G': return pad(f.iso[0], 4);
      case 'V': return p(f.iso[1]);
      case 'H': return p(f.H);
      case 'I': return p(f.H % 12 || 12);
      case 'p': return f.H < 12 ? 'AM' : 'PM';
      case 'M': return p(f.M);
      case 'S': return p(f.S);
      case 'f': return pad(f.us, 6);
      case 'z': return f.offset ?? '';
      case 'Z': return f.zone ?? '';
      case 'j': return p(f.yday, 3);
      case 'U': return p(week(6));
      case 'W': return p(week(0));
      case 'c': return `${DAY_NAMES[f.weekday]!.slice(0, 3)} ${MONTH_NAMES[f.m - 1]!.slice(0, 3)} ${String(f.d).padStart(2, ' ')} ${pad(f.H)}:${pad(f.M)}:${pad(f.S)} ${f.y}`;
      case 'x': return `${pad(f.m)}/${pad(f.d)}/${pad(f.y % 100)}`;
      case 'X': return `${pad(f.H)}:${pad(f.M)}:${pad(f.S)}`;
      case 'D': return `${pad(f.m)}/${pad(f.d)}/${pad(f.y % 100)}`;
      case 'F': return `${pad(f.y, 4)}-${pad(f.m)}-${pad(f.d)}`;
      case 'T': return `${pad(f.H)}:${pad(f.M)}:${pad(f.S)}`;
      case 's': return f.epoch ? String(f.epoch()) : whole;
      case '%': return '%';
      default: return whole;
    }
  });
}

/** Python's `datetime.strptime` for the common directives. */
function strptime(text: string, fmt: string): PyDateTime {
  const parts: { key: string }[] = [];
  let re = '^';
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i]!;
    if (ch !== '%') {
      re += /\s/.test(ch) ? '\\s+' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const c = fmt[++i];
    const group = (key: string, pattern: string) => {
      parts.push({ key });
      re += `(${pattern})`;
    };
    switch (c) {
      case 'Y': group('Y', '\\d{4}'); break;
      case 'y': group('y', '\\d{2}'); break;
      case 'm': group('m', '\\d{1,2}'); break;
      case 'd': group('d', '\\d{1,2}'); break;
      case 'H': group('H', '\\d{1,2}'); break;
      case 'I': group('I', '\\d{1,2}'); break;
      case 'M': group('M', '\\d{1,2}'); break;
      case 'S': group('S', '\\d{1,2}'); break;
      case 'f': group('f', '\\d{1,6}'); break;
      case 'p': group('p', '[AaPp][Mm]'); break;
      case 'j': group('j', '\\d{1,3}'); break;
      case 'b': case 'h': group('b', '[A-Za-z]{3}'); break;
      case 'B': group('B', '[A-Za-z]+'); break;
      case 'a': group('a', '[A-Za-z]{3}'); break;
      case 'A': group('A', '[A-Za-z]+'); break;
      case 'z': group('z', 'Z|[+-]\\d{2}:?\\d{2}(?::?\\d{2})?'); break;
      case 'Z': group('Z', '[A-Za-z]+'); break;
      case '%': re += '%'; break;
      default: throw new PyValueError(`'${c}' is a bad directive in format '${fmt}'`);
    }
  }
  const m = new RegExp(`${re}$`).exec(text);
  if (!m) throw new PyValueError(`time data '${text}' does not match format '${fmt}'`);
  const v: Record<string, string> = {};
  parts.forEach((p, i) => (v[p.key] = m[i + 1]!));
  const monthOf = (name: string) => MONTH_NAMES.findIndex((n) => n.toLowerCase().startsWith(name.toLowerCase().slice(0, 3))) + 1;
  const year = v['Y'] ? Number(v['Y']) : v['y'] ? (Number(v['y']) < 69 ? 2000 : 1900) + Number(v['y']) : 1900;
  let month = v['m'] ? Number(v['m']) : v['b'] ? monthOf(v['b']) : v['B'] ? monthOf(v['B']) : 1;
  let day = v['d'] ? Number(v['d']) : 1;
  if (v['j']) [, month, day] = fromOrdinal(toOrdinal(year, 1, 1) + Number(v['j']) - 1);
  let hour = v['H'] ? Number(v['H']) : v['I'] ? Number(v['I']) % 12 : 0;
  if (v['p'] && v['p'].toLowerCase() === 'pm' && v['I']) hour += 12;
  const micro = v['f'] ? Number(v['f'].padEnd(6, '0')) : 0;
  const tz = v['z'] ? parseOffset(v['z']) : null;
  return new PyDateTime(year, month, day, hour, Number(v['M'] ?? 0), Number(v['S'] ?? 0), micro, tz);
}

/** `modules.datetime`: what dbt exports from Python's datetime module. */
export function datetimeModule(): Record<string, unknown> {
  const callable = <T>(Ctor: new (...a: unknown[]) => T, statics: Record<string, unknown>) => Object.assign((...a: unknown[]) => new Ctor(...a), statics, { __name__: Ctor.name });
  const datetime = callable(PyDateTime, {
    now: (tz?: unknown) => PyDateTime.now(tz),
    utcnow: () => PyDateTime.utcnow(),
    today: () => PyDateTime.today(),
    fromtimestamp: (ts: number, tz?: unknown) => PyDateTime.fromtimestamp(ts, tz),
    utcfromtimestamp: (ts: number) => PyDateTime.utcfromtimestamp(ts),
    fromisoformat: (s: string) => PyDateTime.fromisoformat(s),
    fromordinal: (n: number) => PyDateTime.fromordinal(n),
    strptime: (s: string, fmt: string) => PyDateTime.strptime(s, fmt),
    combine: (d: PyDate, t: PyTime, tz?: TzInfo) => PyDateTime.combine(d, t, tz),
    min: new PyDateTime(1, 1, 1),
    max: new PyDateTime(9999, 12, 31, 23, 59, 59, 999_999),
  });
  const date = callable(PyDate, {
    today: () => PyDate.today(),
    fromordinal: (n: number) => PyDate.fromordinal(n),
    fromisoformat: (s: string) => PyDate.fromisoformat(s),
    fromtimestamp: (ts: number) => PyDate.fromtimestamp(ts),
    min: new PyDate(1, 1, 1),
    max: new PyDate(9999, 12, 31),
  });
  const timezone = Object.assign((offset: unknown, name?: string) => new PyTimezone(offset, name), { utc: PyTimezone.utc });
  return {
    date,
    datetime,
    time: callable(PyTime, {}),
    timedelta: callable(PyTimeDelta, {}),
    timezone,
    tzinfo: Object.assign(() => new PyTimezone(new PyTimeDelta(0)), {}),
    MINYEAR: 1,
    MAXYEAR: 9999,
  };
}
