/**
 * One HTTP header of an `httpGet` probe, as in the Kubernetes `HTTPHeader` object.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
 */
export interface HttpHeaderSpec {
  /** Header name. */
  readonly name: string;
  /** Header value. */
  readonly value: string;
}

/**
 * An `httpGet` probe handler (Kubernetes `HTTPGetAction`). `host` is never set: the kubelet probes the pod IP.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
 */
export interface HttpGetActionSpec {
  /** Request path, e.g. `/api/v1/health`. */
  readonly path: string;
  /** The named container port, e.g. `http` (a name from `ports`). */
  readonly port: string;
  /** `HTTP` or `HTTPS`. */
  readonly scheme: string;
  /** Request headers (empty when none). */
  readonly httpHeaders: HttpHeaderSpec[];
}

/**
 * A `tcpSocket` probe handler (Kubernetes `TCPSocketAction`).
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
 */
export interface TcpSocketActionSpec {
  /** The named container port. */
  readonly port: string;
}

/**
 * An `exec` probe handler (Kubernetes `ExecAction`).
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
 */
export interface ExecActionSpec {
  /** The argv run inside the container. */
  readonly command: string[];
}

/**
 * A `grpc` probe handler (Kubernetes `GRPCAction`): the port is a number (a name is not accepted).
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
 */
export interface GrpcActionSpec {
  /** The gRPC server's port number. */
  readonly port: number;
  /** The service name of the HealthCheckRequest; '' asks for the whole server. */
  readonly service: string;
}

/**
 * A Kubernetes `Probe`: exactly one of `httpGet`, `tcpSocket`, `grpc`, `exec` is set, and every timing field is
 * written (whole seconds).
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
 */
export interface ProbeSpec {
  /** HTTP GET handler. @default - not an HTTP probe */
  readonly httpGet?: HttpGetActionSpec;
  /** TCP handler. @default - not a TCP probe */
  readonly tcpSocket?: TcpSocketActionSpec;
  /** Exec handler. @default - not an exec probe */
  readonly exec?: ExecActionSpec;
  /** gRPC handler. @default - not a gRPC probe */
  readonly grpc?: GrpcActionSpec;
  /** Seconds after the container starts before the first probe. */
  readonly initialDelaySeconds: number;
  /** Seconds between probes. */
  readonly periodSeconds: number;
  /** Seconds a probe may take. */
  readonly timeoutSeconds: number;
  /** Successes in a row that count as success (1 for liveness and startup; `readinessSuccessThreshold` for readiness). */
  readonly successThreshold: number;
  /** Failures in a row that count as failure. */
  readonly failureThreshold: number;
  /**
   * Probe-level grace period before a container that failed the probe is killed (liveness and startup probes).
   * @default - not set: the pod's terminationGracePeriodSeconds applies
   */
  readonly terminationGracePeriodSeconds?: number;
}

/**
 * A Kubernetes `ContainerPort`.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
 */
export interface ContainerPortSpec {
  /** Port name (IANA_SVC_NAME) the probes refer to. */
  readonly name: string;
  /** Port number, 1024-65535. */
  readonly containerPort: number;
  /** `TCP` (the service port, and the default of `additionalPorts`) or `UDP`. */
  readonly protocol: string;
}

/**
 * Linux capabilities of a `SecurityContext`.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1
 */
export interface CapabilitiesSpec {
  /** Dropped capabilities (`ALL`). */
  readonly drop: string[];
}

/**
 * The seccomp profile of a `SecurityContext`.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1
 */
export interface SeccompProfileSpec {
  /** `RuntimeDefault`. */
  readonly type: string;
}

/**
 * The container's hardened `SecurityContext` (numeric non-root user, read-only root filesystem, no capabilities).
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1
 */
export interface SecurityContextSpec {
  /** The uid of the image's `USER`. */
  readonly runAsUser: number;
  /** The gid of the image's `USER`. */
  readonly runAsGroup: number;
  /** Always true. */
  readonly runAsNonRoot: boolean;
  /** Always false. */
  readonly allowPrivilegeEscalation: boolean;
  /** Always false. */
  readonly privileged: boolean;
  /** Always true (writable paths are emptyDir mounts). */
  readonly readOnlyRootFilesystem: boolean;
  /** Drops ALL. */
  readonly capabilities: CapabilitiesSpec;
  /** RuntimeDefault. */
  readonly seccompProfile: SeccompProfileSpec;
}

/**
 * A `VolumeMount` of one writable path.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#volumes-1
 */
export interface VolumeMountSpec {
  /**
   * Volume name: the container name and the path (`backend` + `/tmp` -> `backend-tmp`), so that it cannot meet a
   * volume of another container of the pod.
   */
  readonly name: string;
  /** The writable path. */
  readonly mountPath: string;
}

/**
 * A pod `Volume`: an `emptyDir` for one writable path.
 * @see https://kubernetes.io/docs/concepts/storage/volumes/#emptydir
 */
export interface EmptyDirVolumeSpec {
  /** Volume name, as in `VolumeMountSpec.name`. */
  readonly name: string;
  /** The empty `emptyDir` object (`{}`). */
  readonly emptyDir: { [key: string]: string };
}

/**
 * A pod sysctl (`spec.securityContext.sysctls[]`): a namespaced kernel parameter set for the pod's containers.
 * @see https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
 */
export interface SysctlSpec {
  /** The sysctl's name, e.g. `net.ipv4.ip_unprivileged_port_start`. */
  readonly name: string;
  /** Its value, a string (e.g. `"80"`). */
  readonly value: string;
}

/**
 * Everything the model sets on a Kubernetes container, as typed data with the Kubernetes field names:
 * the same values as the generated PodSpec snippet. Pass them to a cdk8s `ApiObject` or
 * `JsonPatch.add(...)` (cdk8s's generated `KubeDeployment` props wrap ports in `IntOrString`).
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export interface ContainerProbeSet {
  /** Container name. */
  readonly name: string;
  /** The service port, then the `additionalPorts`; empty for a service without any port (`noPort`). */
  readonly ports: ContainerPortSpec[];
  /** The startupProbe. @default - none with `StartPeriodMapping.INITIAL_DELAY` */
  readonly startupProbe?: ProbeSpec;
  /** The livenessProbe. */
  readonly livenessProbe: ProbeSpec;
  /** The readinessProbe. @default - none for a service without a port and without a readinessCheck */
  readonly readinessProbe?: ProbeSpec;
  /** The container's securityContext. */
  readonly securityContext: SecurityContextSpec;
  /** One mount per writable path. */
  readonly volumeMounts: VolumeMountSpec[];
  /** Pod volumes: one emptyDir per writable path (they belong in the PodSpec, not the container). */
  readonly volumes: EmptyDirVolumeSpec[];
  /**
   * Pod sysctls (`spec.securityContext.sysctls`, they belong in the PodSpec): `net.ipv4.ip_unprivileged_port_start`
   * set to the lowest port with `lowPortSysctl` (a port number as a string, e.g. `"80"`), so the non-root process binds
   * a port below 1024; empty when every port is from 1024.
   * @default - empty: every port is from 1024
   * @see https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
   */
  readonly sysctls: SysctlSpec[];
}
