// The Docker HEALTHCHECK timing as text: the one place the flag text and the Compose healthcheck values are made.
import { ResolvedTiming } from './_timing';

/** A Go duration of whole seconds, as Docker and Compose take it: `30s`. */
function goDuration(seconds: number): string {
  return `${seconds}s`;
}

/**
 * The Compose `healthcheck` of a container: the image's HEALTHCHECK, every value written.
 * @see https://docs.docker.com/reference/compose-file/services/#healthcheck
 */
export interface ComposeHealthcheck {
  /** `["CMD", ...argv]`. */
  readonly test: readonly string[];
  readonly interval: string;
  readonly timeout: string;
  readonly start_period: string;
  /** Only with the `--start-interval` flag (Compose refuses it on engines before 25, as docker build does). */
  readonly start_interval?: string;
  readonly retries: number;
}

/** The Docker side of a health check: flags of `HEALTHCHECK`, and the same values for Compose. */
export interface DockerHealthcheck {
  /** `--interval=30s`, `--timeout=10s`, `--start-period=10s`, [`--start-interval=2s`,] `--retries=3`, in this order. */
  readonly flags: readonly string[];
  /** Each flag's text by name (`interval` -> `--interval=30s`); `startInterval` only when written. */
  readonly flag: {
    readonly interval: string;
    readonly timeout: string;
    readonly startPeriod: string;
    readonly startInterval?: string;
    readonly retries: string;
  };
  /** The exec-form argv the check runs. */
  readonly command: readonly string[];
  readonly compose: ComposeHealthcheck;
}

/**
 * Renders the HEALTHCHECK timing (whole seconds) and command: the flags of the Dockerfile instruction and
 * the Compose `healthcheck`, from the same strings.
 * @param startIntervalFlag write `--start-interval` / `start_interval` (Docker Engine 25 or later)
 * @see https://docs.docker.com/reference/dockerfile/#healthcheck
 */
export function dockerHealthcheck(t: ResolvedTiming, command: readonly string[], startIntervalFlag: boolean): DockerHealthcheck {
  const interval = goDuration(t.intervalSeconds);
  const timeout = goDuration(t.timeoutSeconds);
  const startPeriod = goDuration(t.startPeriodSeconds);
  const startInterval = startIntervalFlag ? goDuration(t.startIntervalSeconds) : undefined;
  const flag = {
    interval: `--interval=${interval}`,
    timeout: `--timeout=${timeout}`,
    startPeriod: `--start-period=${startPeriod}`,
    ...(startInterval === undefined ? {} : { startInterval: `--start-interval=${startInterval}` }),
    retries: `--retries=${t.retries}`,
  };
  const flags = [flag.interval, flag.timeout, flag.startPeriod, ...(flag.startInterval === undefined ? [] : [flag.startInterval]), flag.retries];
  return {
    flags,
    flag,
    command: [...command],
    compose: {
      test: ['CMD', ...command],
      interval,
      timeout,
      start_period: startPeriod,
      ...(startInterval === undefined ? {} : { start_interval: startInterval }),
      retries: t.retries,
    },
  };
}
