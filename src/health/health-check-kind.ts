/** The kind of a health check. */
export enum HealthCheckKind {
  /** HTTP GET: success on a status from 200 to 399. */
  HTTP_GET = 'httpGet',
  /** TCP: success when a connection opens. */
  TCP_SOCKET = 'tcpSocket',
  /** A command run inside the container: success on exit status 0. */
  EXEC = 'exec',
}
