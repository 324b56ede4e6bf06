// What a container listens on, one named state of the model: one named TCP port, or none (a worker, `noPort`).

/** The container serves on one TCP port: EXPOSE, `containerPort`, Compose `expose`/`ports`, the Helm Service. */
export interface ListensOnPort {
  readonly kind: 'port';
  /** 1024-65535 (1-1023 too with `lowPortSysctl`). */
  readonly port: number;
  /** The containerPort's name (`http`, `grpc`), which the httpGet and tcpSocket probes refer to. */
  readonly name: string;
  /** Bind the IPv6 wildcard `::` (dual-stack) instead of `0.0.0.0` (the `ipv6` option). */
  readonly ipv6: boolean;
}

/** The container listens on no port (a worker): no EXPOSE, no `ports`, no Service; its checks are exec checks. */
export interface ListensOnNone {
  readonly kind: 'none';
}

/** What a container listens on; every renderer switches on `kind` once. */
export type Listen = ListensOnPort | ListensOnNone;

/** A validated additional port (`additionalPorts`): EXPOSE, a named `containerPort`, a Compose `expose` entry. */
export interface ResolvedPort {
  /** IANA_SVC_NAME, unique among the container's ports. */
  readonly name: string;
  /** 1024-65535 (1-1023 too with `lowPortSysctl`). */
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}
