import { PortProtocol } from './port-protocol';

/**
 * A port the container declares beside its service port (`port`): a metrics port, a health port of its own
 * (probed by a check whose `port` is this one), an admin port. Written as `EXPOSE`, a named `containerPort` of
 * the Kubernetes container, and a Compose `expose` entry (not published on the host: only the service port is).
 * A process running as non-root cannot bind below 1024, so the port is 1024-65535, unless the container sets
 * `lowPortSysctl` (the pod sysctl `net.ipv4.ip_unprivileged_port_start`).
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
 * @see https://docs.docker.com/reference/dockerfile/#expose
 */
export interface AdditionalPort {
  /**
   * The port's name, which the probes of a check on this port refer to (`port: metrics`): a Kubernetes
   * IANA_SVC_NAME, 1-15 of `[a-z0-9-]` with at least one letter, no leading, trailing or double `-`; unique
   * among the container's ports (the service port's `portName` included).
   * @throws Error `<path>.additionalPorts[<n>].name: must be a Kubernetes port name ...`
   */
  readonly name: string;

  /**
   * The port number, 1024-65535 (1-1023 too with the container's `lowPortSysctl`); unique per protocol among the
   * container's ports (the service port included).
   * @throws Error `<path>.additionalPorts[<n>].containerPort: must be from 1024 to 65535 ...`
   */
  readonly containerPort: number;

  /**
   * The protocol.
   * @default PortProtocol.TCP
   */
  readonly protocol?: PortProtocol;
}
