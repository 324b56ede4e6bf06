// The Compose host-port check: two services may not publish the same host address and port.
import { ComposeOptionNames } from './_compose-names';
import { fail } from '../_validate';
import { ServiceModel } from '../service/_model';

/**
 * Refuses two services that publish the same host address and port (Compose would start one and fail the
 * other with "port is already allocated"). Every port is published on 127.0.0.1, at the container's own port.
 * @param names how the errors name the Compose file's options (its own, or its ServiceOutputs')
 * @throws Error `<path>.services: must be containers publishing different host ports: <a> and <b> both publish 127.0.0.1:<port> ...`
 */
export function checkHostPorts(names: ComposeOptionNames, models: readonly ServiceModel[]): void {
  const byPort = new Map<number, string>();
  for (const m of models) {
    // A worker publishes nothing.
    const l = m.listen;
    if (l.kind === 'none') continue;
    const other = byPort.get(l.port);
    if (other !== undefined) {
      fail(`${names.path}.${names.services}`, `containers publishing different host ports: ${other} and ${m.name} both publish 127.0.0.1:${l.port}; give one of them another port, or set ${names.publishPorts}: false (services still reach each other by name)`, `${other}, ${m.name}`);
    }
    byPort.set(l.port, m.name);
  }
}
