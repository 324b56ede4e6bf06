// KubernetesProbes: the typed probe set of a container, for cdk8s code.
import { checkService } from './_common';
import { probeSet } from '../kubernetes/_probes';
import { ContainerProbeSet } from '../kubernetes/container-probe-set';
import { rendered } from '../service/_rendered';
import { ContainerService } from '../service/container-service';

/**
 * The probes, port, securityContext and writable mounts of a container as typed data (Kubernetes field
 * names), for cdk8s code. Data only: this library does not depend on cdk8s.
 *
 * ```ts
 * const p = KubernetesProbes.of(backend);
 * new ApiObject(chart, 'backend', { apiVersion: 'apps/v1', kind: 'Deployment', spec: { ..., template: { spec: {
 *   containers: [{ name: p.name, image, ports: p.ports, startupProbe: p.startupProbe, livenessProbe: p.livenessProbe,
 *                  readinessProbe: p.readinessProbe, securityContext: p.securityContext, volumeMounts: p.volumeMounts }],
 *   volumes: p.volumes } } } });
 * ```
 *
 * @see https://cdk8s.io/docs/latest/basics/escape-hatches/
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export class KubernetesProbes {
  /**
   * The typed probe set of `service`: the same values as its Kubernetes snippet.
   * @param service a container service (e.g. a FastApiBackend or StaticFrontend)
   * @throws Error `KubernetesProbes.service: must be a ContainerService ...` for anything else
   */
  public static of(service: ContainerService): ContainerProbeSet {
    checkService('KubernetesProbes.service', service);
    // A deep copy: callers may change their copy without touching the model.
    return probeSet(rendered(service._model).kubernetes);
  }

  private constructor() {}
}
