/**
 * `modules.pytz`: time zones by IANA name, with offsets and abbreviations from the ICU data that
 * Node ships (Intl), as pytz has them from the tz database: `timezone(name)` (`localize`,
 * `normalize`, `utcoffset`, `tzname`, `dst`, `zone`), `utc`/`UTC`, `FixedOffset(minutes)`,
 * `all_timezones`, `common_timezones`, `UnknownTimeZoneError`.
 */
import { PyDateTime, PyTimeDelta, PyTimezone, type TzInfo } from './datetime.js';

export class UnknownTimeZoneError extends Error {
  constructor(zone: string) {
    super(`'${zone}'`);
    this.name = 'UnknownTimeZoneError';
  }
}

const MS_PER_MINUTE = 60_000;

/** One IANA zone. Offsets are looked up per instant through Intl (so DST and history apply). */
export class PytzZone implements TzInfo {
  private readonly offsetFormat: Intl.DateTimeFormat;
  private readonly nameFormat: Intl.DateTimeFormat;

  constructor(readonly zone: string) {
    try {
      this.offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
      this.nameFormat = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' });
    } catch {
      throw new UnknownTimeZoneError(zone);
    }
  }

  /** Minutes east of UTC at a JS instant. */
  private offsetAt(ms: number): number {
    const name = this.offsetFormat.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{1,2})(?::(\d{2}))?/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
  }

  /** JS time of a datetime's wall clock read as UTC. */
  private static wallMs(dt: PyDateTime): number {
    // (wall-clock micros count from 1970, as JS time does)
    return Math.floor(dt.wallMicros / 1000);
  }

  /** The offset of a wall time in this zone (the later one when a clock change makes it ambiguous). */
  private offsetOfWall(dt: PyDateTime): number {
    const wall = PytzZone.wallMs(dt);
    const first = this.offsetAt(wall - this.offsetAt(wall) * MS_PER_MINUTE);
    return this.offsetAt(wall - first * MS_PER_MINUTE);
  }

  utcoffset(dt: PyDateTime | null): PyTimeDelta | null {
    if (!dt) return null;
    return new PyTimeDelta({ minutes: this.offsetOfWall(dt), __keywords: true });
  }

  tzname(dt: PyDateTime | null): string | null {
    if (!dt) return this.zone;
    const instant = PytzZone.wallMs(dt) - this.offsetOfWall(dt) * MS_PER_MINUTE;
    return this.nameFormat.formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName')?.value ?? this.zone;
  }

  /** The daylight-saving part of the offset: the offset minus the year's smaller (standard) one. */
  dst(dt: PyDateTime | null): PyTimeDelta | null {
    if (!dt) return null;
    const year = Date.UTC(dt.year, 0, 1);
    const standard = Math.min(this.offsetAt(year), this.offsetAt(Date.UTC(dt.year, 6, 1)));
    return new PyTimeDelta({ minutes: this.offsetOfWall(dt) - standard, __keywords: true });
  }

  fromutc(dt: PyDateTime): PyDateTime {
    const off = this.offsetAt(PytzZone.wallMs(dt));
    return PyDateTime.fromWallMicros(dt.wallMicros + off * 60_000_000, this);
  }

  /** pytz's `localize(dt)`: the naive wall time `dt`, in this zone. */
  localize(dt: PyDateTime): PyDateTime {
    if (!(dt instanceof PyDateTime)) throw new TypeError('localize() takes a datetime');
    if (dt.tzinfo) throw new Error('Not naive datetime (tzinfo is already set)');
    return dt.replace({ tzinfo: this, __keywords: true });
  }

  /** pytz's `normalize(dt)`: the same instant as a wall time of this zone. */
  normalize(dt: PyDateTime): PyDateTime {
    return dt.astimezone(this);
  }

  toString(): string {
    return this.zone;
  }
}

/** pytz's fixed-offset zones (`utc`, `FixedOffset(n)`): a fixed offset that also has `localize` and `normalize`. */
export class PytzFixedZone extends PyTimezone {
  static override readonly utc = new PytzFixedZone(new PyTimeDelta(0), 'UTC');
  localize(dt: PyDateTime): PyDateTime {
    if (!(dt instanceof PyDateTime)) throw new TypeError('localize() takes a datetime');
    if (dt.tzinfo) throw new Error('Not naive datetime (tzinfo is already set)');
    return dt.replace({ tzinfo: this, __keywords: true });
  }
  normalize(dt: PyDateTime): PyDateTime {
    return dt.astimezone(this);
  }
}

export function pytzModule(): Record<string, unknown> {
  const zones = new Map<string, TzInfo>();
  const timezone = (name: unknown) => {
    const zone = String(name);
    if (zone.toUpperCase() === 'UTC') return PytzFixedZone.utc;
    let tz = zones.get(zone);
    if (!tz) zones.set(zone, (tz = new PytzZone(zone)));
    return tz;
  };
  let all: string[] | undefined;
  const allZones = () => (all ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')].sort());
  return {
    timezone,
    utc: PytzFixedZone.utc,
    UTC: PytzFixedZone.utc,
    FixedOffset: (minutes: number) => new PytzFixedZone(new PyTimeDelta({ minutes: Number(minutes), __keywords: true })),
    get all_timezones() {
      return allZones();
    },
    get all_timezones_set() {
      return allZones();
    },
    get common_timezones() {
      return allZones();
    },
    get common_timezones_set() {
      return allZones();
    },
    UnknownTimeZoneError,
  };
}
