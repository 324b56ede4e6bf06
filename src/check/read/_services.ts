/**
 * Reads the Services of Kubernetes manifests: their pod selector and the ports they route, to tell which containers
 * take Service traffic (a readinessProbe gates only what a Service routes).
 */
import { isMap, isScalar, isSeq, YAMLMap } from 'yaml';

/** A Service: the labels it selects pods by, and the target port of each of its ports (a number or a port name). */
export interface K8sService {
  readonly file: string;
  readonly name: string;
  /** `spec.selector` (empty: the Service selects no pod by label, e.g. an ExternalName or a manual Endpoints). */
  readonly selector: Readonly<Record<string, string>>;
  /** Each port's `targetPort` (its `port` when absent), and the port's own name. */
  readonly ports: ReadonlyArray<{ readonly target: number | string; readonly name?: string }>;
}

const scalar = (n: unknown): unknown => (isScalar(n) ? n.value : undefined);

/** The string map under a node (`labels`, `selector`); scalars only. */
export function stringMap(node: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(node)) return out;
  for (const p of node.items) {
    const k = scalar(p.key);
    const v = scalar(p.value);
    if (typeof k === 'string' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) out[k] = String(v);
  }
  return out;
}

/** The Services among parsed documents (a manifest's roots, `kind: List` items already unpacked). */
export function servicesOf(roots: readonly YAMLMap[], file: string): K8sService[] {
  const out: K8sService[] = [];
  for (const root of roots) {
    if (scalar(root.get('kind', true)) !== 'Service') continue;
    const spec = root.get('spec', true);
    const ports = isMap(spec) ? spec.get('ports', true) : undefined;
    out.push({
      file,
      name: String(scalar(root.getIn(['metadata', 'name'], true)) ?? ''),
      selector: stringMap(isMap(spec) ? spec.get('selector', true) : undefined),
      ports: isSeq(ports) ? ports.items.filter(isMap).flatMap((p) => {
        const t = scalar(p.get('targetPort', true)) ?? scalar(p.get('port', true));
        const name = scalar(p.get('name', true));
        if (typeof t !== 'number' && typeof t !== 'string') return [];
        return [{ target: typeof t === 'string' && /^\d+$/.test(t) ? Number(t) : t, ...(typeof name === 'string' ? { name } : {}) }];
      }) : [],
    });
  }
  return out;
}

/** Whether a Service selects pods with these labels: a non-empty selector, every pair present. */
export function selects(s: K8sService, podLabels: Readonly<Record<string, string>> | undefined): boolean {
  const keys = Object.keys(s.selector);
  return keys.length > 0 && podLabels !== undefined && keys.every((k) => podLabels[k] === s.selector[k]);
}
