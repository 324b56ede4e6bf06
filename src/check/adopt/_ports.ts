// The adopted container's ports beside its service port: containerPorts, EXPOSEs and probe ports carried as additionalPorts (named), or named as not carried.
import { Change } from './_changes';
import { DockerImage, K8sContainer, ProbeFacts } from '../read';

/** The props, imports and notes the ports give the statement. */
export interface PortCarry {
  /** `additionalPorts: [...]`, or undefined when the container has no port beside the service port. */
  readonly additionalPorts?: string;
  readonly imports: string[];
  readonly notes: string[];
  /** What the statement declares or drops unlike the original, in the round trip's field names (`port 8081`). */
  readonly changes: Change[];
  /** Why the container cannot be adopted (each with the fix); empty when it can. */
  readonly refusals: string[];
  /** The lowest port carried as an additional port; undefined: none. */
  readonly lowestPort?: number;
}

/** Kubernetes' IANA_SVC_NAME: 1-15 of [a-z0-9-], a letter, no leading, trailing or double '-'. */
const IANA_SVC_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

/** The port number a probe's `port` names (a number, or the name of one of the container's ports). */
export function probePort(p: ProbeFacts, c: K8sContainer): number | undefined {
  if (typeof p.port === 'number') return p.port;
  if (typeof p.port === 'string') return /^\d+$/.test(p.port) ? Number(p.port) : c.ports.find((x) => x.name === p.port)?.containerPort;
  return undefined;
}

/** The network probes of a container (httpGet, tcpSocket, grpc), with their field names. */
function networkProbes(c: K8sContainer): Array<[string, ProbeFacts]> {
  return ([['livenessProbe', c.liveness], ['readinessProbe', c.readiness], ['startupProbe', c.startup]] as const)
    .filter((e): e is ['livenessProbe' | 'readinessProbe' | 'startupProbe', ProbeFacts] => e[1] !== undefined && e[1].kind !== 'exec' && e[1].kind !== 'none')
    .map(([f, p]) => [f, p]);
}

/**
 * Every port of the container other than the service port, as `additionalPorts`: the manifest's containerPorts (their
 * names kept; a port without one, or with a name the model refuses, named `port-<n>`), the Dockerfile's EXPOSEs the
 * manifest does not declare, and a port a probe checks that nothing declares (`probe-<n>`, named as a change: the
 * model probes declared ports only). A port below 1024 is carried as the others (the statement sets lowPortSysctl,
 * `lowestPort`); a port of another protocol than TCP and UDP is named as not carried.
 * @param service the service port and its name (the model's `port`, `portName`)
 * @param onePort the construct declares its one port only (StaticFrontend: nginx listens there): each other port is named as not carried
 */
export function carryPorts(image: DockerImage, c: K8sContainer, service: { port?: number; name?: string }, onePort = false): PortCarry {
  const notes: string[] = [];
  const changes: Change[] = [];
  const refusals: string[] = [];
  const used = new Set<string>([service.name ?? (c.liveness?.kind === 'grpc' ? 'grpc' : 'http')]);
  const out: Array<{ name: string; port: number; protocol: 'TCP' | 'UDP' }> = [];
  const seen = new Set<string>(service.port !== undefined ? [`${service.port}/TCP`] : []);
  const add = (port: number, proto: string, name: string | undefined, where: string, declaredBy: string) => {
    const protocol = proto.toUpperCase();
    if (seen.has(`${port}/${protocol}`)) return;
    seen.add(`${port}/${protocol}`);
    if (protocol !== 'TCP' && protocol !== 'UDP') {
      notes.push(`${where} ${declaredBy} ${port}/${protocol}: the model declares TCP and UDP ports only; keep this one in your workload`);
      changes.push({ field: `port ${port}`, old: declaredBy, new: '(none)' });
      return;
    }
    if (onePort) {
      notes.push(`${where} ${declaredBy} ${port}${name ? ` (${name})` : ''}: the construct declares its one port (${service.port}); keep this one in your workload`);
      if (declaredBy !== 'probe') changes.push({ field: `port ${port}`, old: declaredBy === 'EXPOSE' ? 'EXPOSE' : `containerPort${name ? ` ${name}` : ''}`, new: '(none)' });
      return;
    }
    let n = name !== undefined && IANA_SVC_NAME.test(name) && !used.has(name) ? name : undefined;
    if (n === undefined) {
      n = `${declaredBy === 'probe' ? 'probe' : 'port'}-${port}`;
      if (name !== undefined) {
        notes.push(`${where} port name ${name} becomes ${n} (${used.has(name) ? 'the name is the service port\'s' : 'not a Kubernetes port name'})`);
        changes.push({ field: `port ${port}`, old: `containerPort ${name}`, new: `containerPort ${n}` });
      }
    }
    used.add(n);
    out.push({ name: n, port, protocol: protocol as 'TCP' | 'UDP' });
  };
  for (const p of c.ports) add(p.containerPort, p.protocol, p.name, `${c.file}:${p.line}`, 'containerPort');
  for (const e of image.exposes) add(e.port, e.protocol, undefined, `${image.file}:${e.line}`, 'EXPOSE');
  for (const [field, p] of networkProbes(c)) {
    const n = probePort(p, c);
    if (n === undefined || seen.has(`${n}/TCP`)) continue;
    add(n, 'TCP', undefined, `${c.file}:${p.portLine ?? p.line} ${field}.${p.kind}.port`, 'probe');
    if (!onePort) {
      notes.push(`${c.file}:${p.portLine ?? p.line} ${field} checks port ${n}, which the container does not declare: the model declares it as probe-${n} (a probe of the model refers to a declared port)`);
      changes.push({ field: `port ${n}`, old: '(none)', new: `containerPort probe-${n}, EXPOSE` });
    }
  }
  if (out.length === 0) return { imports: [], notes, changes, refusals };
  const udp = out.some((p) => p.protocol === 'UDP');
  const entry = (p: typeof out[number]) => `{ name: ${JSON.stringify(p.name)}, containerPort: ${p.port}${p.protocol === 'UDP' ? ', protocol: PortProtocol.UDP' : ''} }`;
  return { additionalPorts: `[${out.map(entry).join(', ')}]`, imports: udp ? ['PortProtocol'] : [], notes, changes, refusals, lowestPort: Math.min(...out.map((p) => p.port)) };
}
