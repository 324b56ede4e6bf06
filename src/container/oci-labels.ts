/**
 * OCI image annotations written as `LABEL org.opencontainers.image.<key>="<value>"`, in the order
 * of the fields below. Values are non-empty, at most 4096 characters, without control characters, and do
 * not start with a quote character; `\`, `"` and `$` are escaped.
 *
 * @see https://github.com/opencontainers/image-spec/blob/main/annotations.md
 */
export interface OciLabels {
  /**
   * `org.opencontainers.image.title`.
   * @default - the container name (`backend`, `frontend`, ...; the `name` option, else the construct's default name)
   */
  readonly title?: string;

  /**
   * `org.opencontainers.image.description`.
   * @default - set by each construct (ContainerService: '<name> service'; each preset its own)
   */
  readonly description?: string;

  /**
   * `org.opencontainers.image.vendor`: the distributing entity.
   * @default - not written (nothing is invented)
   */
  readonly vendor?: string;

  /**
   * `org.opencontainers.image.licenses`, an SPDX license expression. Set it when the project's `license` is
   * Apache-2.0: that is also projen's default when `.projenrc` sets none, so it is not taken as the app's licence.
   * @default - the license a Node projen project sets (its `license` option), unless it is projen's default Apache-2.0 or UNLICENSED (`licensed: false`); else not written
   */
  readonly licenses?: string;

  /**
   * `org.opencontainers.image.url`: where to find more about the image.
   * @default - the projen project's homepage (a Node project's `homepage`); else not written
   */
  readonly url?: string;

  /**
   * `org.opencontainers.image.source`: URL of the source repository.
   * @default - the projen project's repository URL (a Node project's `repository`, http(s) only); else not written
   */
  readonly source?: string;

  /**
   * `org.opencontainers.image.version`.
   * @default - the projen project's version (a Node project's `version`, unless the 0.0.0 placeholder); else not written
   */
  readonly version?: string;

  /**
   * `org.opencontainers.image.revision`: the source control revision.
   * @default - not written
   */
  readonly revision?: string;

  /**
   * `org.opencontainers.image.created`: an RFC 3339 date-time. Written as given; a changing value
   * makes the generated file change on every synth, so pass it only from a release pipeline.
   * @default - not written
   */
  readonly created?: string;

  /**
   * More labels, key to value. Keys follow the OCI / hadolint DL3048 rules (`[0-9a-z._/-]`, no
   * reserved `com.docker.` namespaces) and may not repeat the fields above.
   * @default - none
   */
  readonly extra?: { [key: string]: string };
}
