// The additional ports of a container: validated beside the service port (names and numbers unique, no port below 1024).
import { Listen, ResolvedPort } from './_listen';
import { AdditionalPort } from './additional-port';
import { PortProtocol } from './port-protocol';
import { checkKnownKeys, checkPort, checkPortName, fail } from '../_validate';

const KEYS: Record<keyof AdditionalPort, true> = { name: true, containerPort: true, protocol: true };

/** A port a non-root process can bind: 1024-65535 (the one rule of the service port and every other port). */
export function checkUnprivilegedPort(path: string, value: number): number {
  const port = checkPort(path, value);
  if (port < 1024) fail(path, 'from 1024 to 65535 (a non-root process cannot bind below 1024; Trivy KSV-0117)', port);
  return port;
}

/**
 * Validates `additionalPorts` beside the service port: each name an IANA_SVC_NAME, each number 1024-65535, names
 * unique among all the container's ports, numbers unique per protocol.
 * @throws Error `<path>.additionalPorts[<n>].<field>: must be ...`
 */
export function resolveAdditionalPorts(path: string, given: readonly AdditionalPort[] | undefined, listen: Listen): ResolvedPort[] {
  if (given === undefined) return [];
  if (!Array.isArray(given)) fail(`${path}.additionalPorts`, 'an array of { name, containerPort, protocol? }', given);
  const out: ResolvedPort[] = [];
  const all: ResolvedPort[] = listen.kind === 'port' ? [{ name: listen.name, port: listen.port, protocol: 'TCP' }] : [];
  given.forEach((p, i) => {
    const at = `${path}.additionalPorts[${i}]`;
    if (p === null || typeof p !== 'object') fail(at, 'an object { name, containerPort, protocol? }', p);
    checkKnownKeys(at, p as unknown as Record<string, unknown>, KEYS, 'AdditionalPort');
    const name = checkPortName(`${at}.name`, p.name);
    const port = checkUnprivilegedPort(`${at}.containerPort`, p.containerPort);
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
