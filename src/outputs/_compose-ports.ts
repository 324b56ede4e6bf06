// The Compose host-port check: two services may not publish the same host address and port.
import { fail } from '../_validate';
import { ServiceModel } from '../service/_model';

/**
 * Refuses two services that publish the same host address and port (Compose would start one and fail the
 * other with "port is already allocated"). Every port is published on 127.0.0.1, at the container's own port.
 * @param path the Compose file's construct path
 * @throws Error `<path>.services: must be containers publishing different host ports: <a> and <b> both publish 127.0.0.1:<port> ...`
 */
export function checkHostPorts(path: string, models: readonly ServiceModel[]): void {
  const byPort = new Map<number, string>();
  for (const m of models) {
    // A worker publishes nothing.
    const l = m.listen;
    if (l.kind === 'none') continue;
    const other = byPort.get(l.port);
    if (other !== undefined) {
      fail(`${path}.services`, `containers publishing different host ports: ${other} and ${m.name} both publish 127.0.0.1:${l.port}; give one of them another port, or set publishPorts: false (services still reach each other by name)`, `${other}, ${m.name}`);
    }
    byPort.set(l.port, m.name);
  }
}
