// The additional ports of a container: validated beside the service port (names and numbers unique, no port below 1024 without lowPortSysctl).
import { Listen, ResolvedPort } from './_listen';
import { AdditionalPort } from './additional-port';
import { PortProtocol } from './port-protocol';
import { checkKnownKeys, checkPort, checkPortName, fail } from '../_validate';

const KEYS: Record<keyof AdditionalPort, true> = { name: true, containerPort: true, protocol: true };

/**
 * A port a non-root process can bind: 1024-65535, or 1-1023 too with `lowPortSysctl` (the namespaced sysctl
 * `net.ipv4.ip_unprivileged_port_start` lets it bind there). The one rule of the service port and every other port.
 */
export function checkUnprivilegedPort(path: string, value: number, lowPortSysctl = false): number {
  const port = checkPort(path, value);
  if (port < 1024 && !lowPortSysctl) {
    fail(path, 'from 1024 to 65535 (a non-root process cannot bind below 1024; Trivy KSV-0117), or set lowPortSysctl: true to keep the app\'s port (the pod sysctl net.ipv4.ip_unprivileged_port_start lets the non-root process bind it)', port);
  }
  return port;
}

/**
 * The value of the sysctl `net.ipv4.ip_unprivileged_port_start` the container needs: the lowest of its ports when
 * `lowPortSysctl` is set (least privilege: nothing below it becomes bindable), undefined without it.
 * @throws Error `<path>.lowPortSysctl: must be unset ...` when it is set and no port is below 1024 (it would change nothing)
 */
export function resolveUnprivilegedPortStart(
  path: string, lowPortSysctl: boolean | undefined, listen: Listen, additional: readonly ResolvedPort[],
): number | undefined {
  // Its type is checked with the other options (resolveService).
  if (lowPortSysctl !== true) return undefined;
  const ports = [...(listen.kind === 'port' ? [listen.port] : []), ...additional.map((p) => p.port)];
  const lowest = ports.length === 0 ? undefined : Math.min(...ports);
  if (lowest === undefined || lowest >= 1024) {
    const listed = ports.join(', ') || 'none';
    fail(`${path}.lowPortSysctl`, `unset when no port is below 1024 (the sysctl would change nothing; the ports are ${listed})`, lowPortSysctl);
  }
  return lowest;
}

/**
 * Validates `additionalPorts` beside the service port: each name an IANA_SVC_NAME, each number 1024-65535 (1-65535
 * with `lowPortSysctl`), names
 * unique among all the container's ports, numbers unique per protocol.
 * @throws Error `<path>.additionalPorts[<n>].<field>: must be ...`
 */
export function resolveAdditionalPorts(
  path: string, given: readonly AdditionalPort[] | undefined, listen: Listen, lowPortSysctl = false,
): ResolvedPort[] {
  if (given === undefined) return [];
  if (!Array.isArray(given)) fail(`${path}.additionalPorts`, 'an array of { name, containerPort, protocol? }', given);
  const out: ResolvedPort[] = [];
  const all: ResolvedPort[] = listen.kind === 'port' ? [{ name: listen.name, port: listen.port, protocol: 'TCP' }] : [];
  given.forEach((p, i) => {
    const at = `${path}.additionalPorts[${i}]`;
    if (p === null || typeof p !== 'object') fail(at, 'an object { name, containerPort, protocol? }', p);
    checkKnownKeys(at, p as unknown as Record<string, unknown>, KEYS, 'AdditionalPort');
    const name = checkPortName(`${at}.name`, p.name);
    const port = checkUnprivilegedPort(`${at}.containerPort`, p.containerPort, lowPortSysctl);
    const protocol = p.protocol ?? PortProtocol.TCP;
    if (!Object.values(PortProtocol).includes(protocol)) fail(`${at}.protocol`, 'PortProtocol.TCP or PortProtocol.UDP', protocol);
    const sameName = all.find((q) => q.name === name);
    if (sameName) fail(`${at}.name`, `a name no other port of the container has (${name} is already port ${sameName.port}; Kubernetes refuses duplicate port names)`, name);
    const sameNumber = all.find((q) => q.port === port && q.protocol === protocol);
    if (sameNumber) fail(`${at}.containerPort`, `a ${protocol} port no other port of the container has (${port} is already the port named ${sameNumber.name})`, port);
    const r: ResolvedPort = { name, port, protocol };
    all.push(r);
    out.push(r);
  });
  return out;
}

/** The name of the TCP port `port` among the service port and the additional ports (the probes refer to it). */
export function portNameOf(listen: Listen, additional: readonly ResolvedPort[], port: number): string | undefined {
  if (listen.kind === 'port' && listen.port === port) return listen.name;
  return additional.find((p) => p.port === port && p.protocol === 'TCP')?.name;
}
