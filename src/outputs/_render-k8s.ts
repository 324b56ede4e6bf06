// The kustomize patch and Helm values renderers: the shared Kubernetes fragment of a model, reshaped for each tool.
import { ContainerPortSpec, EmptyDirVolumeSpec, ProbeSpec, SecurityContextSpec, VolumeMountSpec } from '../kubernetes/container-probe-set';
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
 * The first document's container: the Deployment's own ports, probes and securityContext cleared (`null`, the
 * strategic-merge delete of a field, which holds whether or not the Deployment has the field).
 */
interface ClearedContainer {
  readonly name: string;
  readonly ports: null;
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
        readonly containers: ReadonlyArray<PatchedContainer | ClearedContainer>;
        readonly volumes?: readonly EmptyDirVolumeSpec[];
      };
    };
  };
}

/**
 * A strategic-merge patch of a Deployment, two documents. The first clears the container's ports, startupProbe,
 * livenessProbe, readinessProbe and securityContext (each `null`); the second gives the container (merged by name)
 * exactly the model's named port (none for a service without a port), its probes (a probe the model does not have,
 * the startupProbe with `INITIAL_DELAY` or the readinessProbe of a worker, stays cleared) and securityContext, the
 * writable mounts (merged by mountPath); the pod gets the emptyDir volumes (merged by name). So no handler or field
 * of the Deployment's own probe or securityContext survives beside ours.
 *
 * No `$patch` directive: the API server's strategic merge (`kubectl patch --type strategic`; k8s.io/apimachinery
 * strategicpatch, seen with v0.37.1) drops a map carrying `$patch: replace` whose key the live object lacks, so a
 * Deployment without probes was left without them (and `$patch: delete` left an empty `startupProbe: {}`); `null` then the
 * value gives the same container through kustomize and through the API server.
 * @see https://github.com/kubernetes/community/blob/master/contributors/devel/sig-api-machinery/strategic-merge-patch.md
 */
export function renderKustomizePatch(m: ServiceModel, deploymentName: string): KustomizePatchDocument[] {
  const { container: c, volumes } = rendered(m).kubernetes;
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
    ports: null,
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
  // Exactly the model's port: the first document clears the Deployment's own ports (merged by containerPort, an
  // old number under the same name would stay beside ours: two ports named http), the second sets the model's.
  // (A list-level `$patch: replace` leaves the directive behind when the Deployment has no ports: kustomize 5.5.)
  const grace = m.podGracePeriodSeconds === undefined ? {} : { terminationGracePeriodSeconds: m.podGracePeriodSeconds };
  return [doc({ containers: [cleared] }), doc({ ...grace, containers: [container], volumes })];
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
  /** Absent for a service without a port, as containerPort and portName. */
  readonly service?: { readonly port: number };
  readonly containerPort?: number;
  readonly portName?: string;
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
 * `livenessProbe`, `readinessProbe`, `volumes`, `volumeMounts`, plus `startupProbe` (which the chart's
 * template renders once a `{{- with .Values.startupProbe }}` block is added beside the other probes)
 * and `containerPort` with `portName` for charts that template them.
 *
 * Helm deep-merges these values into the chart's defaults, so what the model replaces is deleted with `null`
 * (Helm removes a key whose override is null): `httpGet: null` in a gRPC, exec or TCP liveness or readiness probe
 * (`helm create`'s default probes are `httpGet`), `readinessProbe: null` for a worker, `startupProbe: null` without a
 * startupProbe. The startupProbe has no chart default (the chart's template gets it from the block docs/outputs/helm.md
 * shows), so it carries no `httpGet: null`.
 * @see https://helm.sh/docs/chart_template_guide/values_files/#deleting-a-default-key
 */
export function renderHelmValues(m: ServiceModel): HelmValuesDocument {
  const { container: c, volumes } = rendered(m).kubernetes;
  const l = m.listen;
  return {
    // A service without a port (a worker) has no Service and no containerPort.
    ...(l.kind === 'none' ? {} : { service: { port: l.port }, containerPort: l.port, portName: l.name }),
    securityContext: c.securityContext,
    startupProbe: c.startupProbe === undefined ? null : helmProbe(c.startupProbe, false),
    livenessProbe: helmProbe(c.livenessProbe, true),
    readinessProbe: c.readinessProbe === undefined ? null : helmProbe(c.readinessProbe, true),
    volumes,
    volumeMounts: c.volumeMounts,
  };
}
