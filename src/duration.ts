import { fail } from './_validate';

/**
 * Any duration object with `toMilliseconds()`: the `Duration` of cdk8s and of aws-cdk-lib both have it
 * (their optional conversion-options argument may be left out), and so does this library's `Duration`.
 *
 * @see https://cdk8s.io/docs/latest/reference/cdk8s/typescript/#duration
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.Duration.html
 */
export interface IDurationLike {
  /** The duration in milliseconds. */
  toMilliseconds(): number;
}

/**
 * A length of time, used for health-check timing.
 *
 * Docker takes Go durations (`30s`, `1m30s`) and Kubernetes takes whole seconds; every duration in
 * this library must therefore be a whole number of seconds so that it means the same in both. A
 * value with a fraction of a second is rejected where it is used (with the field's path).
 *
 * @see https://docs.docker.com/reference/dockerfile/#healthcheck
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
 */
export class Duration implements IDurationLike {
  /**
   * A duration of `amount` seconds.
   * @param amount seconds; any finite number (range checks happen where the duration is used)
   * @throws Error if `amount` is not a finite number
   */
  public static seconds(amount: number): Duration {
    return new Duration(amount * 1000, `${amount}s`);
  }

  /**
   * A duration of `amount` minutes.
   * @param amount minutes; any finite number
   * @throws Error if `amount` is not a finite number
   */
  public static minutes(amount: number): Duration {
    return new Duration(amount * 60_000, `${amount}m`);
  }

  /**
   * A duration of `amount` milliseconds. Accepted only where it is a whole number of seconds.
   * @param amount milliseconds; any finite number
   * @throws Error if `amount` is not a finite number
   */
  public static millis(amount: number): Duration {
    return new Duration(amount, `${amount}ms`);
  }

  /**
   * The same length of time as a cdk8s or aws-cdk-lib `Duration` (or any object with `toMilliseconds()`),
   * so a value from a cdk8s chart or a CDK stack can be passed here: `Duration.fromCdk(cdk8s.Duration.seconds(30))`.
   * Its text (in messages) is `<n>s` when it is a whole number of seconds, else `<n>ms`; whole seconds are still
   * required where it is used.
   * @param duration an object whose `toMilliseconds()` returns a finite number of milliseconds
   * @throws Error if `duration` has no `toMilliseconds()` or it does not return a finite number
   * @see https://cdk8s.io/docs/latest/reference/cdk8s/typescript/#duration
   */
  public static fromCdk(duration: IDurationLike): Duration {
    const ms = typeof duration?.toMilliseconds === 'function' ? duration.toMilliseconds() : undefined;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) fail('Duration.fromCdk', 'a duration whose toMilliseconds() returns a finite number', ms);
    return new Duration(ms, ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
  }

  /** The duration as the user wrote it, e.g. `90s` or `1.5m`, for messages. */
  public readonly text: string;
  private readonly ms: number;

  private constructor(ms: number, text: string) {
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      fail('Duration', 'a finite number', text);
    }
    this.ms = ms;
    this.text = text;
  }

  /** The duration in milliseconds. */
  public toMilliseconds(): number {
    return this.ms;
  }

  /**
   * The duration in whole seconds.
   * @throws Error if the duration is not a whole number of seconds
   */
  public toSeconds(): number {
    if (this.ms % 1000 !== 0) fail('Duration', 'a whole number of seconds', this.text);
    return this.ms / 1000;
  }

  /** The text of the duration, e.g. `30s`. */
  public toString(): string {
    return this.text;
  }
}
