// Validation of the readinessProbe's own timing into whole seconds.
import { seconds } from './_timing';
import { ReadinessTiming } from './readiness-timing';
import { checkInteger, checkKnownKeys, fail } from '../_validate';

/** The readinessProbe's timing, in whole seconds. */
export interface ResolvedReadinessTiming {
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

/** Every key of ReadinessTiming (complete: the compiler checks it); any other is refused. */
const READINESS_TIMING_KEYS: Record<keyof ReadinessTiming, true> = { period: true, timeout: true, failureThreshold: true, successThreshold: true };

/**
 * Validates the readiness timing. `legacySuccess` is the container's `readinessSuccessThreshold` (the two may not
 * both be set).
 * @throws Error `<path>.<field>: must be ...` for a value out of range, a timeout over the period, or both success thresholds set
 */
export function resolveReadinessTiming(
  path: string,
  t: ReadinessTiming | undefined,
  legacySuccess: number | undefined,
  legacyPath: string,
): ResolvedReadinessTiming {
  checkKnownKeys(path, t, READINESS_TIMING_KEYS, 'ReadinessTiming');
  const r = t ?? {};
  const periodSeconds = seconds(`${path}.period`, r.period, 5);
  const timeoutSeconds = seconds(`${path}.timeout`, r.timeout, Math.min(3, periodSeconds));
  if (timeoutSeconds > periodSeconds) fail(`${path}.timeout`, `at most the period (${periodSeconds}s)`, `${timeoutSeconds}s`);
  const failureThreshold = checkInteger(`${path}.failureThreshold`, r.failureThreshold ?? 3, 1, 1000);
  if (r.successThreshold !== undefined && legacySuccess !== undefined) {
    fail(`${path}.successThreshold`, `unset when ${legacyPath} is set (one value for readinessProbe.successThreshold)`, r.successThreshold);
  }
  const successThreshold = r.successThreshold !== undefined
    ? checkInteger(`${path}.successThreshold`, r.successThreshold, 1, 100)
    : checkInteger(legacyPath, legacySuccess ?? 1, 1, 100);
  return { periodSeconds, timeoutSeconds, failureThreshold, successThreshold };
}
