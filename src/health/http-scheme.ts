/**
 * The scheme of an HTTP GET health check.
 *
 * Kubernetes does not verify the server certificate of an HTTPS probe; the Docker HEALTHCHECK
 * rendering skips verification too (`curl --insecure`, `wget --no-check-certificate`), so the two
 * checks succeed and fail together.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#HTTPGetAction
 */
export enum HttpScheme {
  /** Plain HTTP. */
  HTTP = 'HTTP',
  /** HTTPS without certificate verification (as the kubelet does). */
  HTTPS = 'HTTPS',
}
