// The health timing in whole seconds: the one whole-seconds rule and the timing validation.
import { checkInteger, checkKnownKeys, fail } from '../_validate';
import { Duration } from '../duration';
import { HealthTiming } from './health-timing';

/** Health timing in whole seconds, validated. */
export interface ResolvedTiming {
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly startPeriodSeconds: number;
  readonly startIntervalSeconds: number;
  readonly retries: number;
}

const MAX_SECONDS = 86400;

/** Every key of HealthTiming (complete: the compiler checks it); any other is refused. */
const HEALTH_TIMING_KEYS: Record<keyof HealthTiming, true> = { interval: true, timeout: true, startPeriod: true, startInterval: true, retries: true };

/** A duration in whole seconds, 1 s to one day; `fallback` when undefined. */
export function seconds(path: string, d: Duration | undefined, fallback: number): number {
  if (d === undefined) return fallback;
  if (!(d instanceof Duration)) fail(path, 'a Duration', d);
  const ms = d.toMilliseconds();
  if (ms <= 0) fail(path, 'a positive duration', d.text);
  if (ms % 1000 !== 0) fail(path, 'a whole number of seconds (Kubernetes probes take whole seconds)', d.text);
  const s = ms / 1000;
  if (s > MAX_SECONDS) fail(path, `at most ${MAX_SECONDS}s (one day)`, d.text);
  return s;
}

/**
 * Validates `timing` against the defaults; `path` is the field path of the timing, e.g. `app/backend.timing`.
 * `startIntervalFlag`: Docker's `--start-interval` is written, so it must not exceed the interval.
 */
export function resolveTiming(
  path: string,
  timing: HealthTiming | undefined,
  defaultStartPeriodSeconds: number,
  defaultStartIntervalSeconds: number = 5,
  startIntervalFlag: boolean = true,
): ResolvedTiming {
  checkKnownKeys(path, timing, HEALTH_TIMING_KEYS, 'HealthTiming');
  const t = timing ?? {};
  const intervalSeconds = seconds(`${path}.interval`, t.interval, 30);
  const timeoutSeconds = seconds(`${path}.timeout`, t.timeout, 10);
  const startPeriodSeconds = seconds(`${path}.startPeriod`, t.startPeriod, defaultStartPeriodSeconds);
  const startIntervalSeconds = seconds(`${path}.startInterval`, t.startInterval, defaultStartIntervalSeconds);
  const retries = checkInteger(`${path}.retries`, t.retries ?? 3, 1, 1000);
  if (timeoutSeconds > intervalSeconds) {
    fail(`${path}.timeout`, `at most the interval (${intervalSeconds}s)`, `${timeoutSeconds}s`);
  }
  // Docker's rule for its --start-interval flag; a startupProbe's periodSeconds has no such bound in Kubernetes.
  if (startIntervalFlag && startIntervalSeconds > intervalSeconds) {
    fail(`${path}.startInterval`, `at most the interval (${intervalSeconds}s) when Docker's --start-interval is written (dockerStartInterval); lower startInterval, or leave dockerStartInterval off (the startupProbe has no such rule)`, `${startIntervalSeconds}s`);
  }
  return { intervalSeconds, timeoutSeconds, startPeriodSeconds, startIntervalSeconds, retries };
}
