// The address a server's argv binds: loopback binds (`--host 127.0.0.1`) that the kubelet's probes cannot reach, read from argv words.

/** Options that name the address a server binds (uvicorn, gunicorn, hypercorn, flask, fastify-cli, next, vite, http-server, php -S ...). */
const ADDRESS_FLAGS = new Set([
  '--host', '-h', '--hostname', '-H', '--bind', '-b', '--listen', '-l', '--address', '-a', '--addr', '--bind-address',
  '--listen-address', '--http-address', '--http-host', '-S',
]);

/** Programs that run their `-c` argument as a script: its words are read as argv words too. */
const SHELL_RE = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash|zsh)$/;

/** A shell script's words (split at blanks, quotes removed); enough for `exec uvicorn app:app --host 127.0.0.1`. */
function scriptWords(script: string): string[] {
  return script.split(/[\s;&|]+/).filter((w) => w.length > 0).map((w) => w.replace(/^['"]|['"]$/g, ''));
}

/** The host part of a bind value: `127.0.0.1:8000` -> `127.0.0.1`, `[::1]:8000` -> `::1`, `unix:/x` -> undefined. */
function hostOf(value: string): string | undefined {
  const v = value.replace(/^(?:tcp|http):\/\//, '');
  if (/^(?:unix|fd):/.test(v)) return undefined;
  const bracket = /^\[([^\]]*)\](?::\d+)?$/.exec(v);
  if (bracket) return bracket[1];
  if (/^[0-9a-fA-F]*:[0-9a-fA-F:]*$/.test(v) && (v.match(/:/g) ?? []).length >= 2) return v; // a bare IPv6 address
  return v.replace(/:\d*$/, '');
}

/** True for an address only the container itself reaches: 127.0.0.0/8, `localhost`, `::1`. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === 'ip6-localhost' || h === '::1' || /^0*:(?:0*:)*0*1$/.test(h) || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** One address an argv binds: the word's index in the argv and the host it names. */
export interface BindWord {
  readonly index: number;
  readonly word: string;
  readonly host: string;
}

/**
 * The addresses an argv binds, from its words (never substrings): `--host X`, `--host=X`, `-b X:port`,
 * `--bind=[::1]:8000`, and the same inside a shell's `-c` script (its words then point at the script's index).
 * Values that are variables (`$HOST`) are not known and are left out.
 */
export function bindWords(argv: readonly string[]): BindWord[] {
  const out: BindWord[] = [];
  const read = (words: readonly string[], at: (i: number) => number) => {
    words.forEach((w, i) => {
      let value: string | undefined;
      const eq = /^(--?[A-Za-z][A-Za-z-]*)=(.*)$/.exec(w);
      if (eq && ADDRESS_FLAGS.has(eq[1])) value = eq[2];
      else if (ADDRESS_FLAGS.has(words[i - 1] ?? '') && i > 0) value = w;
      if (value === undefined || value.includes('$')) return;
      const host = hostOf(value);
      if (host !== undefined && host !== '') out.push({ index: at(i), word: w, host });
    });
  };
  const c = SHELL_RE.test(argv[0] ?? '') ? argv.indexOf('-c') : -1;
  if (c > 0 && argv[c + 1] !== undefined) {
    read(argv.slice(0, c), (i) => i);
    read(scriptWords(argv[c + 1]), () => c + 1);
  } else {
    read(argv, (i) => i);
  }
  return out;
}

/**
 * The loopback bind of an argv when it binds only loopback addresses (a server that also binds `0.0.0.0`, as
 * gunicorn's repeated `-b` allows, is reachable): the first such word, else undefined.
 */
export function loopbackOnlyBind(argv: readonly string[]): BindWord | undefined {
  const binds = bindWords(argv);
  if (binds.length === 0 || !binds.every((b) => isLoopback(b.host))) return undefined;
  return binds[0];
}

/** The wildcard address a preset binds: `::` (IPv6, and IPv4 on a dual-stack socket) or `0.0.0.0`. */
export function wildcardAddress(ipv6: boolean): string {
  return ipv6 ? '::' : '0.0.0.0';
}
