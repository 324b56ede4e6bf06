import { containerFragment } from './_common';
import { ServiceModel } from '../service/_service';

const REPLACED = ['startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext'];

/**
 * A strategic-merge patch of a Deployment, two documents: the first clears the container's ports (`ports: null`),
 * the second gives the container (merged by name) exactly the model's named port (none for a service without a port), the probes and
 * securityContext (each `$patch: replace`, so no handler or field of the Deployment's own probe survives beside
 * ours), the writable mounts (merged by mountPath); the pod gets the emptyDir volumes (merged by name). A probe
 * the model does not have (the startupProbe with `INITIAL_DELAY`, the readinessProbe of a worker) is deleted
 * (`$patch: delete`).
 */
export function renderKustomizePatch(m: ServiceModel, deploymentName: string): Array<Record<string, unknown>> {
  const { container, volumes } = containerFragment(m);
  const c: Record<string, unknown> = { name: container.name };
  for (const [k, v] of Object.entries(container)) {
    if (k === 'name') continue;
    c[k] = REPLACED.includes(k) ? { $patch: 'replace', ...v } : v;
  }
  if (!('startupProbe' in container)) c.startupProbe = { $patch: 'delete' };
  if (!('readinessProbe' in container)) c.readinessProbe = { $patch: 'delete' };
  const doc = (spec: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: deploymentName }, spec: { template: { spec } } });
  // Exactly the model's port: the first document clears the Deployment's own ports (merged by containerPort, an
  // old number under the same name would stay beside ours: two ports named http), the second sets the model's.
  // (A list-level `$patch: replace` leaves the directive behind when the Deployment has no ports: kustomize 5.5.)
  const grace = m.podGracePeriodSeconds === undefined ? {} : { terminationGracePeriodSeconds: m.podGracePeriodSeconds };
  return [doc({ containers: [{ name: container.name, ports: null }] }), doc({ ...grace, containers: [c], volumes })];
}

/**
 * A values fragment in the layout of `helm create`'s chart: `service.port`, `securityContext`,
 * `livenessProbe`, `readinessProbe`, `volumes`, `volumeMounts`, plus `startupProbe` (which the chart's
 * template renders once a `{{- with .Values.startupProbe }}` block is added beside the other probes)
 * and `containerPort` with `portName` for charts that template them.
 */
export function renderHelmValues(m: ServiceModel): Record<string, unknown> {
  const { container, volumes } = containerFragment(m);
  // A service without a port (a worker) has no Service and no containerPort.
  const values: Record<string, unknown> = m.port === undefined ? {} : { service: { port: m.port }, containerPort: m.port, portName: m.portName };
  values.securityContext = container.securityContext;
  if (container.startupProbe) values.startupProbe = container.startupProbe;
  values.livenessProbe = container.livenessProbe;
  if (container.readinessProbe) values.readinessProbe = container.readinessProbe;
  values.volumes = volumes;
  values.volumeMounts = container.volumeMounts;
  return values;
}
