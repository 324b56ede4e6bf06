// The renderings of a model every output shares, each computed once per container (the model is immutable).
import { ServiceModel } from './_model';
import { DockerHealthcheck, dockerHealthcheck } from '../health/_docker-healthcheck';
import { podSpecFragment, PodSpecFragment } from '../kubernetes/_probes';

/** What several outputs need of one container. */
export interface Rendered {
  /** The Kubernetes container and volumes (snippet, kustomize patch, Helm values, `KubernetesProbes.of`, report). */
  readonly kubernetes: PodSpecFragment;
  /** The HEALTHCHECK flags and command, and the Compose healthcheck (Dockerfile, Compose, report); undefined: `noDockerHealthcheck`. */
  readonly docker?: DockerHealthcheck;
}

const cache = new WeakMap<ServiceModel, Rendered>();

/** The shared renderings of `m`, rendered at the first call. */
export function rendered(m: ServiceModel): Rendered {
  let r = cache.get(m);
  if (r === undefined) {
    r = Object.freeze({
      kubernetes: podSpecFragment(m),
      docker: m.checkCommand === undefined ? undefined : dockerHealthcheck(m.timing, m.checkCommand, m.startIntervalFlag),
    });
    cache.set(m, r);
  }
  return r;
}
