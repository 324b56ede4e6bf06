/**
 * The protocol of a declared port: Dockerfile `EXPOSE <port>/<tcp|udp>`, the Kubernetes `ContainerPort.protocol`,
 * Compose `expose`. Health checks and probes use TCP ports only.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
 * @see https://docs.docker.com/reference/dockerfile/#expose
 */
export enum PortProtocol {
  /** TCP (Kubernetes `TCP`, `EXPOSE <port>/tcp`). */
  TCP = 'TCP',
  /** UDP (Kubernetes `UDP`, `EXPOSE <port>/udp`); no health check or probe can use it. */
  UDP = 'UDP',
}
