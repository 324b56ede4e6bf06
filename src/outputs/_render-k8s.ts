// The kustomize patch and Helm values renderers: the shared Kubernetes fragment of a model, reshaped for each tool.
import { ContainerPortSpec, EmptyDirVolumeSpec, ProbeSpec, SecurityContextSpec, VolumeMountSpec } from '../kubernetes/container-probe-set';
import { ServiceModel } from '../service/_model';
import { rendered } from '../service/_rendered';

/** A field replaced as a whole by the patch (`$patch: replace`). */
type Replaced<T> = T & { readonly $patch: 'replace' };

/** The container entry of the strategic-merge patch. */
interface PatchedContainer {
  readonly name: string;
  readonly ports?: readonly ContainerPortSpec[];
  readonly startupProbe: Replaced<ProbeSpec> | { readonly $patch: 'delete' };
  readonly livenessProbe: Replaced<ProbeSpec>;
  readonly readinessProbe: Replaced<ProbeSpec> | { readonly $patch: 'delete' };
  readonly securityContext: Replaced<SecurityContextSpec>;
  readonly volumeMounts: readonly VolumeMountSpec[];
}

/** The first document's container: the Deployment's own ports cleared (`ports: null`). */
interface ClearedContainer {
  readonly name: string;
  readonly ports: null;
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

function replace<T extends object>(value: T): Replaced<T> {
  return { $patch: 'replace', ...value };
}

/**
 * A strategic-merge patch of a Deployment, two documents: the first clears the container's ports (`ports: null`),
 * the second gives the container (merged by name) exactly the model's named port (none for a service without a port), the probes and
 * securityContext (each `$patch: replace`, so no handler or field of the Deployment's own probe survives beside
 * ours), the writable mounts (merged by mountPath); the pod gets the emptyDir volumes (merged by name). A probe
 * the model does not have (the startupProbe with `INITIAL_DELAY`, the readinessProbe of a worker) is deleted
 * (`$patch: delete`).
 */
export function renderKustomizePatch(m: ServiceModel, deploymentName: string): KustomizePatchDocument[] {
  const { container: c, volumes } = rendered(m).kubernetes;
  const rest = {
    livenessProbe: replace(c.livenessProbe),
    // A worker without a readinessCheck: the Deployment's own readinessProbe is deleted.
    readinessProbe: c.readinessProbe === undefined ? { $patch: 'delete' as const } : replace(c.readinessProbe),
    securityContext: replace(c.securityContext),
    volumeMounts: c.volumeMounts,
  };
  const ports = c.ports === undefined ? {} : { ports: c.ports };
  // Key order as in the snippet; a deleted startupProbe comes last.
  const container: PatchedContainer = c.startupProbe === undefined
    ? { name: c.name, ...ports, ...rest, startupProbe: { $patch: 'delete' } }
    : { name: c.name, ...ports, startupProbe: replace(c.startupProbe), ...rest };
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
  return [doc({ containers: [{ name: c.name, ports: null }] }), doc({ ...grace, containers: [container], volumes })];
}

/** A values fragment in the layout of `helm create`'s chart. */
export interface HelmValuesDocument {
  /** Absent for a service without a port, as containerPort and portName. */
  readonly service?: { readonly port: number };
  readonly containerPort?: number;
  readonly portName?: string;
  readonly securityContext: SecurityContextSpec;
  readonly startupProbe?: ProbeSpec;
  readonly livenessProbe: ProbeSpec;
  readonly readinessProbe?: ProbeSpec;
  readonly volumes: readonly EmptyDirVolumeSpec[];
  readonly volumeMounts: readonly VolumeMountSpec[];
}

/**
 * A values fragment in the layout of `helm create`'s chart: `service.port`, `securityContext`,
 * `livenessProbe`, `readinessProbe`, `volumes`, `volumeMounts`, plus `startupProbe` (which the chart's
 * template renders once a `{{- with .Values.startupProbe }}` block is added beside the other probes)
 * and `containerPort` with `portName` for charts that template them.
 */
export function renderHelmValues(m: ServiceModel): HelmValuesDocument {
  const { container: c, volumes } = rendered(m).kubernetes;
  const l = m.listen;
  return {
    // A service without a port (a worker) has no Service and no containerPort.
    ...(l.kind === 'none' ? {} : { service: { port: l.port }, containerPort: l.port, portName: l.name }),
    securityContext: c.securityContext,
    ...(c.startupProbe === undefined ? {} : { startupProbe: c.startupProbe }),
    livenessProbe: c.livenessProbe,
    ...(c.readinessProbe === undefined ? {} : { readinessProbe: c.readinessProbe }),
    volumes,
    volumeMounts: c.volumeMounts,
  };
}
