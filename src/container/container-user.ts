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
}
