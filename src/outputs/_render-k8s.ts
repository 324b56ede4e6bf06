// The kustomize patch and Helm values renderers: the shared Kubernetes fragment of a model, reshaped for each tool.
import { ContainerPortSpec, EmptyDirVolumeSpec, ProbeSpec, SecurityContextSpec, VolumeMountSpec } from './container-probe-set';
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
 * No `$patch` directive: the API server's strategic merge (`kubectl patch --type strategic`, since
 * kubernetes#117568) drops a map carrying `$patch: replace` whose key the live object lacks, so a Deployment without
 * probes would be left without them; `null` then the value is the same result through kustomize and the API server.
 * @see https://github.com/kubernetes/community/blob/master/contributors/devel/sig-api-machinery/strategic-merge-patch.md
 * @see https://github.com/kubernetes/kubernetes/pull/117568
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
  return {
    // A service without a port (a worker) has no Service and no containerPort.
    ...(m.port === undefined ? {} : { service: { port: m.port }, containerPort: m.port, portName: m.portName }),
    securityContext: c.securityContext,
    ...(c.startupProbe === undefined ? {} : { startupProbe: c.startupProbe }),
    livenessProbe: c.livenessProbe,
    ...(c.readinessProbe === undefined ? {} : { readinessProbe: c.readinessProbe }),
    volumes,
    volumeMounts: c.volumeMounts,
  };
}
