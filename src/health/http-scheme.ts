/**
 * The scheme of an HTTP GET health check.
 *
 * The containers of this library serve plain HTTP (terminate TLS in front of them): a container refuses a
 * check with `HTTPS` (`<path>.healthCheck.scheme: must be HTTP ...`). The value exists because the Kubernetes
 * `HTTPGetAction` has it.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#HTTPGetAction
 */
export enum HttpScheme {
  /** Plain HTTP. */
  HTTP = 'HTTP',
  /** HTTPS: refused by the containers (they serve plain HTTP). */
  HTTPS = 'HTTPS',
}
