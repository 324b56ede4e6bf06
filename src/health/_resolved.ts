// ResolvedCheck: a validated health check as plain data.
import { HealthCheckKind } from './health-check-kind';
import { HttpScheme } from './http-scheme';

/** A validated health check, as plain data. */
export interface ResolvedCheck {
  readonly kind: HealthCheckKind;
  readonly path: string;
  readonly port: number;
  readonly scheme: HttpScheme;
  readonly host: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly command: readonly string[];
  /** gRPC service name ('' = the whole server). */
  readonly service: string;
  /** An exec check written as `HealthCheck.shell(script)`: it needs /bin/sh in the final stage. */
  readonly shell?: boolean;
  /** An HTTP check given without a path (`HealthCheck.httpGet()`): it checks `/`, which synthesis warns about. */
  readonly pathDefaulted?: boolean;
}

