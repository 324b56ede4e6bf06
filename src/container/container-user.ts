/**
 * The non-root account a container runs as. The image creates it and ends with a numeric
 * `USER <uid>:<gid>`; the Kubernetes securityContext gets the same `runAsUser` / `runAsGroup`
 * with `runAsNonRoot: true`.
 *
 * @see https://docs.docker.com/reference/dockerfile/#user
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
 */
export interface ContainerUser {
  /**
   * Account name, matching `[a-z_][a-z0-9_-]{0,31}`, not `root`.
   * @default 'appuser'
   */
  readonly name?: string;

  /**
   * User id, 1 to 2147483647 (0 is root and refused).
   * @default 1000
   */
  readonly uid?: number;

  /**
   * Primary group name, matching `[a-z_][a-z0-9_-]{0,31}`, not `root`.
   * @default - 'appuser'; 'appgroup' for the static frontend
   */
  readonly group?: string;

  /**
   * Group id, 1 to 2147483647 (0 is root's group and refused).
   * @default 1000
   */
  readonly gid?: number;

  /**
   * The base image already has this account (e.g. `nobody` 65534:65534 on Debian and Alpine, `nonroot`
   * 65532:65532 on distroless): the container runs as it (numeric `USER`, `runAsUser`, `runAsGroup`) and the
   * image does not create it. Give the ids (and the names, for the comments) the base image uses.
   * @default false: the image creates the account (ids from 1000, names no base image has)
   */
  readonly existing?: boolean;
}
