// What a Compose service runs with beyond its build: ports, command and entrypoint, environment, user, volumes and its security settings (sysctls included; read from the service's map by _compose.ts, the one Compose reader).

/** One published or exposed port of a Compose service. */
export interface ComposePort {
  /** The container's port. */
  readonly target: number;
  /** The host port (`8080` of `8080:80`); undefined for `expose:` and a bare `80` (a random host port). */
  readonly published?: string;
  /** `127.0.0.1` of `127.0.0.1:8080:80`; undefined for all addresses. */
  readonly hostIp?: string;
  /** `tcp` or `udp`. */
  readonly protocol: string;
  /** True for an `expose:` entry (not published on the host). */
  readonly exposeOnly: boolean;
}

/** One `volumes:` or `tmpfs:` entry of a Compose service. */
export interface ComposeVolume {
  readonly target: string;
  /** `volume`, `bind`, `tmpfs` (or the long form's `type`). */
  readonly type: string;
  /** The named volume or host path; undefined for an anonymous volume or a tmpfs. */
  readonly source?: string;
  readonly readOnly: boolean;
}

/** What a Compose service runs with (interpolated with the folder's `.env`, `$$` read as `$`). */
export interface ComposeRun {
  readonly ports: ComposePort[];
  /** `entrypoint:` as an argv (a string is split into words as Compose splits it, without a shell). */
  readonly entrypoint?: string[];
  /** `command:` as an argv. */
  readonly command?: string[];
  /** `environment:` (a name without a value: `undefined`, taken from the host's environment). */
  readonly environment: ReadonlyArray<readonly [string, string | undefined]>;
  /** `env_file:` given. */
  readonly envFile: boolean;
  readonly user?: string;
  readonly volumes: ComposeVolume[];
  readonly readOnly?: boolean;
  readonly capDrop: string[];
  readonly capAdd: string[];
  readonly securityOpt: string[];
  /** `sysctls:` (map or `name=value` list form), name to value. */
  readonly sysctls: Readonly<Record<string, string>>;
}

/** Splits a Compose string command into words as Compose does (quotes group, no shell). */
export function composeWords(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  let cur = '';
  let last = -1;
  while ((m = re.exec(text)) !== null) {
    const part = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] ?? m[3];
    if (last === m.index && out.length > 0) {
      cur = out.pop()! + part;
    } else {
      cur = part;
    }
    out.push(cur);
    last = re.lastIndex;
  }
  return out;
}

function argv(v: unknown, interp: (s: string) => string): string[] | undefined {
  if (typeof v === 'string') return composeWords(interp(v));
  if (Array.isArray(v)) return v.map((w) => interp(String(w)));
  return undefined;
}

function portsOf(v: unknown, interp: (s: string) => string, exposeOnly: boolean): ComposePort[] {
  if (!Array.isArray(v)) return [];
  const out: ComposePort[] = [];
  for (const p of v) {
    if (p !== null && typeof p === 'object') {
      const t = Number(interp(String((p as any).target)));
      if (!Number.isInteger(t)) continue;
      const published = (p as any).published;
      out.push({
        target: t,
        published: published === undefined ? undefined : interp(String(published)),
        hostIp: typeof (p as any).host_ip === 'string' ? interp((p as any).host_ip) : undefined,
        protocol: typeof (p as any).protocol === 'string' ? (p as any).protocol : 'tcp',
        exposeOnly,
      });
      continue;
    }
    const text = interp(String(p));
    const [spec, protocol = 'tcp'] = text.split('/');
    // [host_ip:][published:]target; an IPv6 host address in brackets.
    const m = /^(?:(\[[^\]]+\]|[^:]+):)??(?:([^:]*):)?(\d+)$/.exec(spec);
    if (!m) continue;
    out.push({ target: Number(m[3]), published: m[2] === '' ? undefined : m[2], hostIp: m[1], protocol, exposeOnly });
  }
  return out;
}

function volumesOf(v: unknown, interp: (s: string) => string): ComposeVolume[] {
  if (!Array.isArray(v)) return [];
  const out: ComposeVolume[] = [];
  for (const x of v) {
    if (x !== null && typeof x === 'object') {
      const target = (x as any).target;
      if (typeof target !== 'string') continue;
      out.push({
        target: interp(target),
        type: typeof (x as any).type === 'string' ? (x as any).type : 'volume',
        source: typeof (x as any).source === 'string' ? interp((x as any).source) : undefined,
        readOnly: (x as any).read_only === true,
      });
      continue;
    }
    const parts = interp(String(x)).split(':');
    if (parts.length === 1) {
      out.push({ target: parts[0], type: 'volume', readOnly: false });
      continue;
    }
    const [source, target, mode = ''] = parts;
    // A source that is a path (./x, /x, ~/x) is a bind mount; else a named volume.
    out.push({ target, source, type: /^[./~]/.test(source) ? 'bind' : 'volume', readOnly: mode.split(',').includes('ro') });
  }
  return out;
}

function environmentOf(v: unknown, interp: (s: string) => string): Array<[string, string | undefined]> {
  if (Array.isArray(v)) {
    return v.map((e) => {
      const text = String(e);
      const eq = text.indexOf('=');
      return eq < 0 ? [text, undefined] as [string, undefined] : [text.slice(0, eq), interp(text.slice(eq + 1))] as [string, string];
    });
  }
  if (v !== null && typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, x === null || x === undefined ? undefined : interp(String(x))]);
  }
  return [];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/**
 * The run settings of one service's map (`svc`, as YAML gives it, anchors resolved); `interp` is Compose's
 * interpolation with the folder's `.env`. Called by `readComposeFile` for every service it reads.
 */
export function composeRunOf(svc: any, interp: (s: string) => string): ComposeRun {
  const tmpfs = strings(svc.tmpfs).map((t) => ({ target: interp(t).split(':')[0], type: 'tmpfs', readOnly: false }));
  return {
    ports: [...portsOf(svc.ports, interp, false), ...portsOf(svc.expose, interp, true)],
    entrypoint: argv(svc.entrypoint, interp),
    command: argv(svc.command, interp),
    environment: environmentOf(svc.environment, interp),
    envFile: svc.env_file !== undefined,
    user: svc.user === undefined || svc.user === null ? undefined : interp(String(svc.user)),
    volumes: [...volumesOf(svc.volumes, interp), ...tmpfs],
    readOnly: typeof svc.read_only === 'boolean' ? svc.read_only : undefined,
    capDrop: strings(svc.cap_drop),
    capAdd: strings(svc.cap_add),
    securityOpt: strings(svc.security_opt),
    sysctls: Object.fromEntries(environmentOf(svc.sysctls, interp).filter((e): e is [string, string] => e[1] !== undefined)),
  };
}
