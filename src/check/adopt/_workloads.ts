// Which manifest containers are distinct containers: overlay and snippet copies of one workload fold into one; two workloads sharing a container name stay two.
import { DockerImage, K8sContainer } from '../read';

/**
 * The pairs to adopt: per container name and Dockerfile, the first pair, plus the first pair of every other
 * workload (a Deployment `api` and a Deployment `worker` both with a container `app` built from one Dockerfile
 * are two containers). A bare PodSpec fragment or a kustomize patch of the same workload name is a copy of it.
 */
export function distinctContainers<T extends { container: K8sContainer; image: DockerImage }>(pairs: readonly T[]): T[] {
  const workloads = new Map<string, Set<string>>();
  const out: T[] = [];
  for (const p of pairs) {
    const key = `${p.container.name}\u0000${p.image.file}`;
    const seen = workloads.get(key);
    const w = p.container.kind === 'PodSpec' ? undefined : p.container.workload;
    if (seen === undefined) {
      workloads.set(key, new Set(w === undefined ? ['\u0000any'] : [w]));
      out.push(p);
      continue;
    }
    if (w === undefined || seen.has(w)) continue;
    // The first was a bare PodSpec: the first named workload is the same container.
    if (seen.has('\u0000any')) {
      seen.delete('\u0000any');
      seen.add(w);
      continue;
    }
    seen.add(w);
    out.push(p);
  }
  return out;
}
