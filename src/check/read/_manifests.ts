/**
 * Reads Kubernetes manifests (multi-document YAML, Helm-rendered output included) into their containers,
 * keeping the line of every field the checker reports on (yaml's LineCounter).
 */
import * as fs from 'fs';
import * as path from 'path';
import { isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments, YAMLMap } from 'yaml';
import { K8sService, servicesOf, stringMap } from './_services';

export type ProbeKind = 'httpGet' | 'tcpSocket' | 'exec' | 'grpc' | 'none';

export interface ProbeFacts {
  readonly line: number;
  readonly kind: ProbeKind;
  readonly path?: string;
  readonly port?: number | string;
  readonly portLine?: number;
  readonly pathLine?: number;
  readonly host?: string;
  readonly command?: string[];
  /** gRPC service name ('' = the whole server). */
  readonly service?: string;
  /** httpGet `scheme` as written (HTTP when absent). */
  readonly scheme?: string;
  /** httpGet `httpHeaders`, `name: value` each, in order. */
  readonly headers?: string[];
  /** Fields with the Kubernetes defaults filled in (periodSeconds 10, timeoutSeconds 1, failureThreshold 3). */
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly initialDelaySeconds: number;
  readonly successThreshold: number;
  /** Probe-level terminationGracePeriodSeconds, when set. */
  readonly terminationGracePeriodSeconds?: number;
  /** 1-based line of each field present (else the probe's line). */
  readonly lines: Record<string, number>;
}

/** A list of argv words in a manifest (`command`, `args`) and the line of each. */
export interface ArgvFacts {
  readonly words: string[];
  readonly lines: number[];
}

export interface K8sContainer {
  readonly file: string;
  /** The workload kind (`Deployment`...), or `PodSpec` for a bare fragment. */
  readonly kind: string;
  readonly workload: string;
  readonly name: string;
  readonly line: number;
  readonly image?: string;
  readonly ports: Array<{ readonly name?: string; readonly containerPort: number; readonly protocol: string; readonly line: number }>;
  readonly liveness?: ProbeFacts;
  readonly readiness?: ProbeFacts;
  readonly startup?: ProbeFacts;
  /** Container-level securityContext over the pod-level one. */
  readonly runAsUser?: { readonly value: number; readonly line: number };
  readonly runAsNonRoot?: { readonly value: boolean; readonly line: number };
  readonly readOnlyRootFilesystem?: { readonly value: boolean; readonly line: number };
  /**
   * Each volumeMount: its path and line; the volume's name, `readOnly`, `subPath`, and the kind of the pod volume
   * it mounts (`emptyDir`, `secret`, `configMap`, `persistentVolumeClaim`, ...; with the secret's, config map's or
   * claim's name as `secret:<name>`).
   */
  readonly mounts: Array<{
    readonly path: string;
    readonly line: number;
    readonly name?: string;
    readonly readOnly?: boolean;
    readonly subPath?: string;
    readonly source?: string;
  }>;
  /** The container's `env` (`NAME=value`, or `NAME from <secretKeyRef|configMapKeyRef|fieldRef|...>`) and `envFrom` sources. */
  readonly env?: string[];
  readonly envFrom?: string[];
  /** Container-level securityContext over the pod-level one: the fields the generated snippet writes. */
  readonly runAsGroup?: { readonly value: number; readonly line: number };
  readonly allowPrivilegeEscalation?: { readonly value: boolean; readonly line: number };
  readonly privileged?: { readonly value: boolean; readonly line: number };
  readonly capabilities?: { readonly value: { readonly add: string[]; readonly drop: string[] }; readonly line: number };
  readonly seccompProfile?: { readonly value: string; readonly line: number };
  /** The pod's `securityContext.sysctls` (name to value; a Compose service's `sysctls:`); undefined: none. */
  readonly sysctls?: { readonly value: Readonly<Record<string, string>>; readonly line: number };
  /** The container's `command` (replaces the image's ENTRYPOINT), each word with its line. */
  readonly command?: ArgvFacts;
  /** The container's `args` (replace the image's CMD), each word with its line. */
  readonly args?: ArgvFacts;
  /** Jobs, CronJobs and Helm test pods (`helm.sh/hook: test`) run to completion: probes are not expected. */
  readonly runsToCompletion: boolean;
  /** The labels of the pod (the template's `metadata.labels`; a Pod's own): what a Service selects it by. */
  readonly podLabels?: Readonly<Record<string, string>>;
}

const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  // Argo Rollouts: a Deployment's pod template under another kind.
  Rollout: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

class Lines {
  constructor(private readonly counter: LineCounter) {}
  of(node: unknown): number {
    const range = (node as Node | undefined)?.range;
    return range ? this.counter.linePos(range[0]).line : 0;
  }
  /** The line of a key in a map (else the map's). */
  key(map: YAMLMap, key: string): number {
    const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
    return pair ? this.of(pair.key) : this.of(map);
  }
}

function child(map: unknown, key: string): unknown {
  return isMap(map) ? map.get(key, true) : undefined;
}

function scalar(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

function num(node: unknown): number | undefined {
  const v = scalar(node);
  return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}

function probeOf(container: YAMLMap, key: string, lines: Lines): ProbeFacts | undefined {
  const node = container.get(key, true);
  if (!isMap(node)) return undefined;
  const fieldLines: Record<string, number> = {};
  for (const k of ['periodSeconds', 'timeoutSeconds', 'failureThreshold', 'initialDelaySeconds', 'successThreshold']) {
    if (node.has(k)) fieldLines[k] = lines.key(node, k);
  }
  const field = (k: string, d: number) => num(node.get(k, true)) ?? d;
  const base = {
    line: lines.key(container, key),
    periodSeconds: field('periodSeconds', 10),
    timeoutSeconds: field('timeoutSeconds', 1),
    failureThreshold: field('failureThreshold', 3),
    initialDelaySeconds: field('initialDelaySeconds', 0),
    successThreshold: field('successThreshold', 1),
    terminationGracePeriodSeconds: num(node.get('terminationGracePeriodSeconds', true)),
    lines: fieldLines,
  };
  for (const kind of ['httpGet', 'tcpSocket', 'grpc'] as const) {
    const h = child(node, kind);
    if (isMap(h)) {
      const port = scalar(h.get('port', true));
      return {
        ...base,
        kind,
        path: kind === 'httpGet' ? String(scalar(h.get('path', true)) ?? '/') : undefined,
        pathLine: h.has('path') ? lines.key(h, 'path') : undefined,
        port: typeof port === 'number' || typeof port === 'string' ? port : undefined,
        portLine: h.has('port') ? lines.key(h, 'port') : lines.of(h),
        host: typeof scalar(h.get('host', true)) === 'string' ? String(scalar(h.get('host', true))) : undefined,
        service: kind === 'grpc' ? String(scalar(h.get('service', true)) ?? '') : undefined,
        ...(kind === 'httpGet' ? httpExtras(h) : {}),
      };
    }
  }
  const exec = child(child(node, 'exec'), 'command');
  if (isSeq(exec)) return { ...base, kind: 'exec', command: exec.items.map((i) => String(scalar(i) ?? '')) };
  return { ...base, kind: 'none' };
}

function httpExtras(h: YAMLMap): { scheme?: string; headers?: string[] } {
  const scheme = scalar(h.get('scheme', true));
  const headers = child(h, 'httpHeaders');
  return {
    scheme: typeof scheme === 'string' ? scheme : undefined,
    headers: isSeq(headers) ? headers.items.filter(isMap).map((x) => `${String(scalar(x.get('name', true)) ?? '')}: ${String(scalar(x.get('value', true)) ?? '')}`) : undefined,
  };
}

/** The pod's volumes: name -> `kind` or `kind:<secretName|name|claimName>`. */
function volumesOf(spec: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const vols = child(spec, 'volumes');
  if (!isSeq(vols)) return out;
  for (const v of vols.items.filter(isMap)) {
    const name = scalar(v.get('name', true));
    const kindPair = v.items.find((p) => scalar(p.key) !== 'name');
    if (typeof name !== 'string' || !kindPair) continue;
    const kind = String(scalar(kindPair.key));
    const ref = ['secretName', 'name', 'claimName'].map((k) => scalar(child(kindPair.value, k))).find((x) => typeof x === 'string');
    out.set(name, ref !== undefined ? `${kind}:${String(ref)}` : kind);
  }
  return out;
}

function envOf(c: YAMLMap): { env?: string[]; envFrom?: string[] } {
  const env = child(c, 'env');
  const from = child(c, 'envFrom');
  return {
    env: isSeq(env) ? env.items.filter(isMap).map((e) => {
      const name = String(scalar(e.get('name', true)) ?? '');
      const vf = child(e, 'valueFrom');
      if (isMap(vf)) return `${name} from ${String(scalar(vf.items[0]?.key) ?? 'valueFrom')}`;
      return `${name}=${String(scalar(e.get('value', true)) ?? '')}`;
    }) : undefined,
    envFrom: isSeq(from) ? from.items.filter(isMap).map((e) => {
      const k = e.items.find((p) => scalar(p.key) !== 'prefix');
      return `${String(scalar(k?.key) ?? '')}:${String(scalar(child(k?.value, 'name')) ?? '')}`;
    }) : undefined,
  };
}

function argvOf(container: YAMLMap, key: string, lines: Lines): ArgvFacts | undefined {
  const node = container.get(key, true);
  if (!isSeq(node)) return undefined;
  return { words: node.items.map((i) => String(scalar(i) ?? '')), lines: node.items.map((i) => lines.of(i)) };
}

function securityOf(map: unknown, lines: Lines) {
  type At<T> = { value: T; line: number };
  interface Security {
    runAsUser?: At<number>;
    runAsGroup?: At<number>;
    runAsNonRoot?: At<boolean>;
    readOnlyRootFilesystem?: At<boolean>;
    allowPrivilegeEscalation?: At<boolean>;
    privileged?: At<boolean>;
    capabilities?: At<{ add: string[]; drop: string[] }>;
    seccompProfile?: At<string>;
  }
  const out: Security = {};
  if (!isMap(map)) return out;
  for (const k of ['runAsUser', 'runAsGroup'] as const) {
    const u = num(map.get(k, true));
    if (u !== undefined) out[k] = { value: u, line: lines.key(map, k) };
  }
  for (const k of ['runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'privileged'] as const) {
    const v = scalar(map.get(k, true));
    if (typeof v === 'boolean') out[k] = { value: v, line: lines.key(map, k) };
  }
  const caps = child(map, 'capabilities');
  if (isMap(caps)) {
    const list = (k: string) => {
      const l = child(caps, k);
      return isSeq(l) ? l.items.map((i) => String(scalar(i) ?? '')) : [];
    };
    out.capabilities = { value: { add: list('add'), drop: list('drop') }, line: lines.key(map, 'capabilities') };
  }
  const sec = scalar(child(child(map, 'seccompProfile'), 'type'));
  if (typeof sec === 'string') out.seccompProfile = { value: sec, line: lines.key(map, 'seccompProfile') };
  return out;
}

/** The pod securityContext's `sysctls` (name to value, values as strings), or undefined when it sets none. */
function sysctlsOf(map: unknown, lines: Lines): K8sContainer['sysctls'] {
  const list = child(map, 'sysctls');
  if (!isMap(map) || !isSeq(list) || list.items.length === 0) return undefined;
  const value: Record<string, string> = {};
  for (const s of list.items.filter(isMap)) {
    const name = scalar(s.get('name', true));
    if (typeof name === 'string') value[name] = String(scalar(s.get('value', true)) ?? '');
  }
  return { value, line: lines.key(map, 'sysctls') };
}

/** The result of reading one YAML text: its containers, and why a document could not be read. */
export interface ManifestRead {
  readonly containers: K8sContainer[];
  /** The first YAML error (`line N: message`), when a document could not be parsed. */
  readonly error?: string;
  /** Containers of workload documents without `image:`: patches (a kustomize patch), not containers of their own. */
  readonly patches: number;
  /** The Services of the text (what they select and route), read in the same pass. */
  readonly services: K8sService[];
}

function isTestHook(root: YAMLMap): boolean {
  const hook = scalar(root.getIn(['metadata', 'annotations', 'helm.sh/hook'], true));
  return typeof hook === 'string' && hook.split(',').some((h) => /^test(-success|-failure)?$/.test(h.trim()));
}

/** The containers of every document of a YAML text (and of `kind: List` items). Documents without a pod spec are skipped. */
export function parseManifests(text: string, file: string): K8sContainer[] {
  return readManifestText(text, file).containers;
}

/** As parseManifests, with the first YAML error of the text. */
export function readManifestText(text: string, file: string): ManifestRead {
  const counter = new LineCounter();
  const lines = new Lines(counter);
  const docs = parseAllDocuments(text, { lineCounter: counter });
  if (!Array.isArray(docs)) return { containers: [], patches: 0, services: [] };
  const out: K8sContainer[] = [];
  let error: string | undefined;
  let patches = 0;
  const roots: YAMLMap[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      error ??= `line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`;
      continue;
    }
    const root = doc.contents;
    if (!isMap(root)) continue;
    const items = scalar(root.get('kind', true)) === 'List' ? root.get('items', true) : undefined;
    if (isSeq(items)) roots.push(...items.items.filter(isMap));
    else roots.push(root);
  }
  for (const root of roots) {
    const kind = scalar(root.get('kind', true));
    let spec: unknown;
    let kindName: string;
    if (typeof kind === 'string' && POD_SPEC_PATHS[kind]) {
      spec = root.getIn(POD_SPEC_PATHS[kind], true);
      kindName = kind;
    } else if (kind === undefined && isSeq(root.get('containers', true))) {
      spec = root;
      kindName = 'PodSpec';
    } else {
      continue;
    }
    const workload = String(scalar(root.getIn(['metadata', 'name'], true)) ?? path.basename(file));
    // The pod's metadata sits beside its spec (`template.metadata`; a Pod's own `metadata`).
    const podMeta = kindName === 'PodSpec' ? undefined : root.getIn([...POD_SPEC_PATHS[kindName].slice(0, -1), 'metadata'], true);
    const podLabels = isMap(podMeta) ? stringMap(podMeta.get('labels', true)) : undefined;
    const testHook = isTestHook(root);
    const podSecurity = securityOf(child(spec, 'securityContext'), lines);
    const sysctls = sysctlsOf(child(spec, 'securityContext'), lines);
    const volumes = volumesOf(spec);
    const containers = child(spec, 'containers');
    if (!isSeq(containers)) continue;
    for (const c of containers.items) {
      if (!isMap(c)) continue;
      // A strategic-merge step that only clears fields (`livenessProbe: null`, as the generated kustomize patch's first
      // document does) describes no container: skip it.
      const clearing = c.items.every((p) => scalar(p.key) === 'name' || scalar(p.value) === null);
      if (clearing && c.items.length > 1) continue;
      const image = scalar(c.get('image', true));
      // A workload's container without `image:` is a patch (kustomize, a post-renderer): the API makes image optional
      // only "to allow higher level config management to default or override" it. A bare PodSpec fragment (this
      // package's snippet) is not a patch.
      if (kindName !== 'PodSpec' && !c.has('image')) {
        patches++;
        continue;
      }
      const ports = child(c, 'ports');
      const mounts = child(c, 'volumeMounts');
      out.push({
        file,
        kind: kindName,
        workload,
        name: String(scalar(c.get('name', true)) ?? ''),
        line: lines.key(c, 'name'),
        image: typeof image === 'string' ? image : undefined,
        ports: isSeq(ports)
          ? ports.items.filter(isMap).flatMap((p) => {
            const containerPort = num(p.get('containerPort', true));
            if (containerPort === undefined) return [];
            const name = scalar(p.get('name', true));
            return [{
              name: typeof name === 'string' ? name : undefined,
              containerPort,
              protocol: String(scalar(p.get('protocol', true)) ?? 'TCP').toUpperCase(),
              line: lines.key(p, 'containerPort'),
            }];
          })
          : [],
        liveness: probeOf(c, 'livenessProbe', lines),
        readiness: probeOf(c, 'readinessProbe', lines),
        startup: probeOf(c, 'startupProbe', lines),
        command: argvOf(c, 'command', lines),
        args: argvOf(c, 'args', lines),
        ...podSecurity,
        ...securityOf(child(c, 'securityContext'), lines),
        ...(sysctls ? { sysctls } : {}),
        mounts: isSeq(mounts)
          ? mounts.items.filter(isMap).map((m) => {
            const name = scalar(m.get('name', true));
            const subPath = scalar(m.get('subPath', true));
            return {
              path: String(scalar(m.get('mountPath', true)) ?? ''),
              line: lines.key(m, 'mountPath'),
              name: typeof name === 'string' ? name : undefined,
              readOnly: scalar(m.get('readOnly', true)) === true,
              subPath: typeof subPath === 'string' ? subPath : undefined,
              source: typeof name === 'string' ? volumes.get(name) : undefined,
            };
          })
          : [],
        ...envOf(c),
        runsToCompletion: kindName === 'Job' || kindName === 'CronJob' || testHook,
        ...(podLabels ? { podLabels } : {}),
      });
    }
  }
  return { containers: out, error, patches, services: servicesOf(roots, file) };
}

/** Reads a manifest file; `file` in the results is relative to `cwd`. */
export function readManifests(absFile: string, cwd: string): K8sContainer[] {
  return parseManifests(fs.readFileSync(absFile, 'utf8'), path.relative(cwd, absFile) || absFile);
}
