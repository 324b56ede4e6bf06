/**
 * The kind of a health check.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#lifecycle-1
 */
export enum HealthCheckKind {
  /** HTTP GET: success on a status from 200 to 399. */
  HTTP_GET = 'httpGet',
  /** TCP: success when a connection opens. */
  TCP_SOCKET = 'tcpSocket',
  /** A command run inside the container: success on exit status 0. */
  EXEC = 'exec',
  /** gRPC: the standard `grpc.health.v1.Health/Check` call; success on `SERVING`. */
  GRPC = 'grpc',
}
