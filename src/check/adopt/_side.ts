// What an adoption is made from when no Kubernetes workload runs the image (a Compose service, or the Dockerfile alone): how its statement, its fragment and its round trip differ.
import { Change } from './_changes';
import { RoundTrip } from './_round-trip';

/** The parts of one adopted statement (adoptOne's result with the changes the round trip reads). */
export interface StatementParts {
  readonly code: string;
  readonly imports: string[];
  readonly notes: string[];
  readonly changes: Change[];
}

/** The source of an adoption that is not a Kubernetes container: Compose (`compose`) or a Dockerfile alone (`dockerfile`). */
export interface AdoptSide {
  readonly source: 'compose' | 'dockerfile';
  /** What the statement is adopted from, for the report (`docker-compose.yml service web`). */
  readonly describe: string;
  /** The Compose statement's part for this service: the file it comes from and its `serviceSettings` entry (or undefined). */
  readonly compose?: {
    readonly file: string;
    /** False when the Compose file's services share a port: its ComposeFile publishes none (`publishPorts: false`). */
    readonly publish: boolean;
    settings(variable: string): string | undefined;
  };
  /** Rewrites adoptOne's parts for this source (its header, the checks it carries, what it names). */
  adjust(parts: StatementParts, id: string): StatementParts;
  /** The round trip of the statement (`code` without comments), against this source. */
  roundTrip(code: string, changes: readonly Change[]): RoundTrip;
}
