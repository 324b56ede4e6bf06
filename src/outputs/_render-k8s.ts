// The kustomize patch and Helm values renderers: the shared Kubernetes fragment of a model, reshaped for each tool.
import { HealthCheckKind } from '../health/health-check-kind';
import { UNPRIVILEGED_PORT_SYSCTL } from '../kubernetes/_probes';
import { ContainerPortSpec, EmptyDirVolumeSpec, ProbeSpec, SecurityContextSpec, SysctlSpec, VolumeMountSpec } from '../kubernetes/container-probe-set';
import { ServiceModel } from '../service/_model';
import { rendered } from '../service/_rendered';

/** The second document's container: exactly the model's port, probes, securityContext and writable mounts. */
interface PatchedContainer {
  readonly name: string;
  readonly ports?: readonly ContainerPortSpec[];
  readonly startupProbe?: ProbeSpec;
  readonly livenessProbe: ProbeSpec;
  readonly readinessProbe?: ProbeSpec;
  readonly securityContext: SecurityContextSpec;
  readonly volumeMounts: readonly VolumeMountSpec[];
}

/**
 * The first document's container: the Deployment's own probes and securityContext cleared (`null`, the
 * strategic-merge delete of a field, which holds whether or not the Deployment has the field). Its `ports` are not
 * cleared: the container's other ports (a `metrics` port) stay, and the model's port is merged by `containerPort`.
 */
interface ClearedContainer {
  readonly name: string;
  readonly startupProbe: null;
  readonly livenessProbe: null;
  readonly readinessProbe: null;
  readonly securityContext: null;
}

/** A strategic-merge patch of a Deployment. */
export interface KustomizePatchDocument {
  readonly apiVersion: 'apps/v1';
  readonly kind: 'Deployment';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly template: {
      readonly spec: {
        readonly terminationGracePeriodSeconds?: number;
        /** The pod sysctls of `lowPortSysctl` (a strategic merge replaces the pod's own `sysctls` list whole). */
        readonly securityContext?: { readonly sysctls: readonly SysctlSpec[] };
        readonly containers: ReadonlyArray<PatchedContainer | ClearedContainer>;
        readonly volumes?: readonly EmptyDirVolumeSpec[];
      };
    };
  };
}

/** Kubernetes' default `terminationGracePeriodSeconds` of a pod that sets none. */
export const KUBERNETES_DEFAULT_GRACE_SECONDS = 30;

/**
 * The pod's `terminationGracePeriodSeconds` an output that merges over the user's own pod writes (the kustomize
 * patch, the Helm values): the model's (`shutdownGracePeriod` + 5 s) only when it is more than Kubernetes' default
 * of 30 s, the only case where a pod that sets none would kill the app mid-drain. A merge cannot compare: a value
 * written replaces the pod's own, so it is written only when the model needs it (a Deployment's own 45 s is kept
 * under a 25 s model, and lowered only when it is more than a model value above 30 s). Undefined: not written.
 */
export function mergedPodGracePeriod(m: ServiceModel): number | undefined {
  const g = m.podGracePeriodSeconds;
  return g !== undefined && g > KUBERNETES_DEFAULT_GRACE_SECONDS ? g : undefined;
}

/**
 * A strategic-merge patch of a Deployment, two documents. The first clears the container's startupProbe,
 * livenessProbe, readinessProbe and securityContext (each `null`); the second gives the container (merged by name)
 * the model's named port (merged by `containerPort`: the Deployment's port of that number is replaced, its other
 * ports stay; none for a service without a port), its probes (a probe the model does not have, the startupProbe
 * with `INITIAL_DELAY` or the readinessProbe of a worker, stays cleared) and securityContext, the writable mounts
 * (merged by mountPath); the pod gets the emptyDir volumes (merged by name; named `<container>-<path>`, so they
 * cannot meet a sidecar's) and, only when `mergedPodGracePeriod` says so, its terminationGracePeriodSeconds. So no
 * handler or field of the Deployment's own probe or securityContext survives beside ours.
 *
 * No `$patch` directive: the API server's strategic merge (`kubectl patch --type strategic`; k8s.io/apimachinery
 * strategicpatch, seen with v0.37.1) drops a map carrying `$patch: replace` whose key the live object lacks, so a
 * Deployment without probes was left without them (and `$patch: delete` left an empty `startupProbe: {}`); `null` then the
 * value gives the same container through kustomize and through the API server.
 *
 * A strategic merge adds a container of the patch that the Deployment lacks (an image-less container, and kustomize
 * exits 0): `renderKustomizeGuard` makes kustomize refuse that.
 * @see https://github.com/kubernetes/community/blob/master/contributors/devel/sig-api-machinery/strategic-merge-patch.md
 */
export function renderKustomizePatch(m: ServiceModel, deploymentName: string): KustomizePatchDocument[] {
  const { container: c, volumes, sysctls } = rendered(m).kubernetes;
  // Key order as in the snippet; a probe the model does not have is left out (the first document cleared it).
  const container: PatchedContainer = {
    name: c.name,
    ...(c.ports === undefined ? {} : { ports: c.ports }),
    ...(c.startupProbe === undefined ? {} : { startupProbe: c.startupProbe }),
    livenessProbe: c.livenessProbe,
    ...(c.readinessProbe === undefined ? {} : { readinessProbe: c.readinessProbe }),
    securityContext: c.securityContext,
    volumeMounts: c.volumeMounts,
  };
  const cleared: ClearedContainer = {
    name: c.name,
    startupProbe: null,
    livenessProbe: null,
    readinessProbe: null,
    securityContext: null,
  };
  const doc = (spec: KustomizePatchDocument['spec']['template']['spec']): KustomizePatchDocument => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deploymentName },
    spec: { template: { spec } },
  });
  const g = mergedPodGracePeriod(m);
  const grace = g === undefined ? {} : { terminationGracePeriodSeconds: g };
  // lowPortSysctl: the pod sysctl that lets the non-root process bind its port below 1024 (merged into the pod's securityContext).
  const pod = sysctls.length === 0 ? {} : { securityContext: { sysctls } };
  return [doc({ containers: [cleared] }), doc({ ...grace, ...pod, containers: [container], volumes })];
}

/**
 * The comment lines above the patch's documents: what it replaces that a strategic merge cannot compare (the pod's
 * terminationGracePeriodSeconds, when written) and the port it merges by number.
 */
export function kustomizePatchNotes(m: ServiceModel): string[] {
  const g = mergedPodGracePeriod(m);
  const l = m.listen;
  return [
    ...(l.kind === 'none' ? [] : [`Port ${l.name} ${l.port} is merged by containerPort: the Deployment's other ports stay (one of them named ${l.name} on another number would be a duplicate name, which the API server refuses).`]),
    ...m.additionalPorts.map((p) => `Port ${p.name} ${p.port} (additionalPorts) is merged by containerPort the same way.`),
    ...(m.unprivilegedPortStart === undefined ? [] : [
      `securityContext.sysctls (lowPortSysctl: ${UNPRIVILEGED_PORT_SYSCTL}=${m.unprivilegedPortStart}, so the non-root process binds port ${m.unprivilegedPortStart}) replaces the pod's own sysctls list: a strategic merge replaces a list without a merge key whole; add the pod's other sysctls to a patch of your own after this one.`,
    ]),
    ...(g === undefined ? [] : [
      `terminationGracePeriodSeconds ${g} (shutdownGracePeriod + 5 s, more than Kubernetes' default ${KUBERNETES_DEFAULT_GRACE_SECONDS} s) replaces the Deployment's own value: a strategic merge cannot keep the larger one.`,
      'If the pod needs longer (a sidecar\'s drain), list a patch of your own that sets it after this one.',
    ]),
  ];
}

/** The comment lines above the guard: where to list it and what it refuses. */
export function kustomizeGuardNotes(m: ServiceModel, deploymentName: string, patchFileName: string): string[] {
  const names = guardedPorts(m);
  const port = names.length === 0 ? '' : `, or when that container has no port named ${names.join(' or ')} after the patch (a port of the same number under another name: rename it to ${names.length === 1 ? names[0] : 'the name the model gives it'})`;
  return [
    `Guard of ${patchFileName}: list it under replacements: in the kustomization.yaml that lists the patch.`,
    `It changes nothing; kustomize fails when Deployment ${deploymentName} has no container named ${m.name} (the patch would add one)${port}.`,
  ];
}

/** A kustomize replacement (the fields the guard uses). */
export interface KustomizeReplacement {
  readonly source: { readonly kind: 'Deployment'; readonly name: string; readonly fieldPath: string };
  readonly targets: ReadonlyArray<{
    readonly select: { readonly kind: 'Deployment'; readonly name: string };
    readonly fieldPaths: readonly string[];
  }>;
}

/**
 * The guard of the patch, a kustomize `replacements` file. Each replacement copies a field of the patched container
 * onto itself (no change), and kustomize fails when the source field is missing; replacements run after patches:
 * - the container's `image`: the patch sets none, so a Deployment whose container has another name comes out of the
 *   patch with an added, image-less container, and kustomize stops with ``fieldPath
 *   `spec.template.spec.containers.[name=backend].image` is missing for replacement source``. (A strategic merge
 *   cannot refuse to add a list entry, and a JSON 6902 `test` needs the container's index.)
 * - each port the probes name (the service port, an additional port an httpGet or tcpSocket check uses): kustomize 5.5 merges `ports` by containerPort and protocol and
 *   drops the patch's port when the Deployment has one of that number that differs only in writing `protocol` or
 *   not (kustomize#3620); under another name (`web`) it would stay so, and the probes would name a port that is not
 *   there.
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/replacements/
 * @see https://github.com/kubernetes-sigs/kustomize/issues/3620
 */
export function renderKustomizeGuard(m: ServiceModel, deploymentName: string): KustomizeReplacement[] {
  const container = `spec.template.spec.containers.[name=${m.name}]`;
  const same = (fieldPath: string): KustomizeReplacement => ({
    source: { kind: 'Deployment', name: deploymentName, fieldPath },
    targets: [{ select: { kind: 'Deployment', name: deploymentName }, fieldPaths: [fieldPath] }],
  });
  return [same(`${container}.image`), ...guardedPorts(m).map((name) => same(`${container}.ports.[name=${name}].name`))];
}

/** The names of the ports the probes name: the service port, and each additional port an httpGet or tcpSocket check uses. */
function guardedPorts(m: ServiceModel): string[] {
  const named = (c: ServiceModel['readiness']) => c !== undefined && (c.kind === HealthCheckKind.HTTP_GET || c.kind === HealthCheckKind.TCP_SOCKET);
  const probed = [m.liveness, m.readiness].filter(named).map((c) => c!.port);
  return [
    ...(m.listen.kind === 'none' ? [] : [m.listen.name]),
    ...m.additionalPorts.filter((p) => p.protocol === 'TCP' && probed.includes(p.port)).map((p) => p.name),
  ];
}

/**
 * A probe of the values fragment: the model's probe, with `httpGet: null` when its handler is another one and the
 * chart has a default of it (Helm deep-merges `-f` values into the chart's, and `helm create`'s chart defaults the
 * liveness and readiness probes to `httpGet`: a null value deletes the default key, otherwise it would stay beside
 * ours, `may not specify more than 1 handler type`).
 */
export type HelmProbe = Omit<ProbeSpec, 'httpGet'> & { readonly httpGet?: ProbeSpec['httpGet'] | null };

/** A values fragment in the layout of `helm create`'s chart. */
export interface HelmValuesDocument {
  /** The pod's grace period (`mergedPodGracePeriod`); absent when not written. */
  readonly terminationGracePeriodSeconds?: number;
  /** Absent for a service without a port, as containerPort and portName. */
  readonly service?: { readonly port: number };
  readonly containerPort?: number;
  readonly portName?: string;
  /** The model's `additionalPorts`; absent when it has none. */
  readonly additionalPorts?: readonly ContainerPortSpec[];
  /**
   * The pod securityContext of `helm create`'s chart (`podSecurityContext`) with the sysctls of `lowPortSysctl`;
   * absent without it (the chart's own is kept).
   */
  readonly podSecurityContext?: { readonly sysctls: readonly SysctlSpec[] };
  readonly securityContext: SecurityContextSpec;
  /** `null` when the model has none (`StartPeriodMapping.INITIAL_DELAY`): a chart's default is deleted. */
  readonly startupProbe: HelmProbe | null;
  readonly livenessProbe: HelmProbe;
  /** `null` for a worker (no readinessCheck): the chart's default readinessProbe is deleted. */
  readonly readinessProbe: HelmProbe | null;
  readonly volumes: readonly EmptyDirVolumeSpec[];
  readonly volumeMounts: readonly VolumeMountSpec[];
}

/**
 * The model's probe for Helm: its handler first, then, for a probe the chart has a default of (`nullDefault`),
 * `httpGet: null` unless the handler is `httpGet`. Without a chart default the null is not written: Helm copies a
 * key absent from the chart's values as it is, nulls included, and `toYaml` would render `httpGet: null`.
 */
function helmProbe(p: ProbeSpec, nullDefault: boolean): HelmProbe {
  const { httpGet, tcpSocket, exec, grpc, ...fields } = p;
  return {
    ...(tcpSocket === undefined ? {} : { tcpSocket }),
    ...(exec === undefined ? {} : { exec }),
    ...(grpc === undefined ? {} : { grpc }),
    ...(httpGet === undefined && !nullDefault ? {} : { httpGet: httpGet ?? null }),
    ...fields,
  };
}

/**
 * A values fragment in the layout of `helm create`'s chart: `service.port`, `securityContext`,
 * `livenessProbe`, `readinessProbe`, `volumes`, `volumeMounts`, `podSecurityContext.sysctls` with `lowPortSysctl`,
 * plus `startupProbe` (which the chart's
 * template renders once a `{{- with .Values.startupProbe }}` block is added beside the other probes)
 * and `containerPort` with `portName` (and `additionalPorts`, each `{ name, containerPort, protocol }`, when the
 * model has them) for charts that template them, and the pod's `terminationGracePeriodSeconds`
 * at the top level when `mergedPodGracePeriod` writes it (the chart's template takes it once the
 * `{{- with .Values.terminationGracePeriodSeconds }}` block docs/outputs/helm.md shows is added).
 *
 * Helm deep-merges these values into the chart's defaults, so what the model replaces is deleted with `null`
 * (Helm removes a key whose override is null): `httpGet: null` in a gRPC, exec or TCP liveness or readiness probe
 * (`helm create`'s default probes are `httpGet`), `readinessProbe: null` for a worker, `startupProbe: null` without a
 * startupProbe. The startupProbe has no chart default (the chart's template gets it from the block docs/outputs/helm.md
 * shows), so it carries no `httpGet: null`.
 * @see https://helm.sh/docs/chart_template_guide/values_files/#deleting-a-default-key
 */
export function renderHelmValues(m: ServiceModel): HelmValuesDocument {
  const { container: c, volumes, sysctls } = rendered(m).kubernetes;
  const l = m.listen;
  const g = mergedPodGracePeriod(m);
  return {
    ...(g === undefined ? {} : { terminationGracePeriodSeconds: g }),
    // A service without a port (a worker) has no Service and no containerPort.
    ...(l.kind === 'none' ? {} : { service: { port: l.port }, containerPort: l.port, portName: l.name }),
    // The other declared ports, for a chart that templates them after its own (`{{- with .Values.additionalPorts }}`).
    ...(m.additionalPorts.length === 0 ? {} : {
      additionalPorts: m.additionalPorts.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })),
    }),
    // lowPortSysctl: the chart's pod securityContext gets the sysctl (Helm merges the map; the list is replaced whole).
    ...(sysctls.length === 0 ? {} : { podSecurityContext: { sysctls } }),
    securityContext: c.securityContext,
    startupProbe: c.startupProbe === undefined ? null : helmProbe(c.startupProbe, false),
    livenessProbe: helmProbe(c.livenessProbe, true),
    readinessProbe: c.readinessProbe === undefined ? null : helmProbe(c.readinessProbe, true),
    volumes,
    volumeMounts: c.volumeMounts,
  };
}
