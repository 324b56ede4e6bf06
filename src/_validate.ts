import { ValidationError } from './_errors';

/**
 * Internal validation helpers. Every error reads
 * `<path>.<field>: must be <constraint>; received <value>`.
 */

/** Formats a received value for an error message (strings quoted, everything else as JSON). */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Throws the house-style validation error. */
export function fail(path: string, constraint: string, value: unknown): never {
  throw new ValidationError(`${path}: must be ${constraint}; received ${show(value)}`);
}

export function checkInteger(path: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(path, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

export function checkPort(path: string, value: number): number {
  return checkInteger(path, value, 1, 65535);
}

/** Linux ids: 1..2147483647 for a non-root identity (0 is root). */
export function checkNonRootId(path: string, value: number): number {
  if (value === 0) fail(path, 'a non-root id (1 to 2147483647; 0 is root)', value);
  return checkInteger(path, value, 1, 2147483647);
}

/** POSIX portable user/group name, as useradd and busybox adduser accept it. */
const NAME_RE = /^[a-z_][a-z0-9_-]{0,31}$/;
export function checkAccountName(path: string, value: string): string {
  if (typeof value !== 'string' || !NAME_RE.test(value) || value === 'root') {
    fail(path, 'a non-root POSIX account name matching /^[a-z_][a-z0-9_-]{0,31}$/', value);
  }
  return value;
}

/** Characters that may never appear in a generated line. */
const CONTROL_RE = /[\u0000-\u001f\u007f]/;
export function checkNoControl(path: string, value: string): string {
  if (typeof value !== 'string' || CONTROL_RE.test(value)) {
    fail(path, 'a string without control characters (no newline, tab or NUL)', value);
  }
  return value;
}

/** A signal name for STOPSIGNAL, e.g. SIGQUIT or SIGTERM. */
export function checkSignal(path: string, value: string): string {
  if (typeof value !== 'string' || !/^SIG[A-Z0-9+-]+$/.test(value)) fail(path, 'a signal name like SIGTERM or SIGQUIT', value);
  return value;
}

export function checkNonEmpty(path: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'a non-empty string', value);
  if (value.length > 8192) fail(path, 'at most 8192 characters', `${value.slice(0, 40)}... (${value.length} characters)`);
  return checkNoControl(path, value);
}

/**
 * HTTP request path with optional query: starts with '/', only RFC 3986 path/query characters
 * (no space, quote, backslash, '#', '<', '>', '`', '{', '}', '|', '^').
 */
const HTTP_PATH_RE = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;
export function checkHttpPath(path: string, value: string): string {
  if (typeof value !== 'string' || !HTTP_PATH_RE.test(value) || value.length > 2048) {
    fail(path, "an HTTP path starting with '/' made of RFC 3986 path and query characters", value);
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(value)) fail(path, "an HTTP path whose '%' starts a %XX escape", value);
  return value;
}

/**
 * Header names as the Kubernetes API server accepts them in a probe's `httpGet.httpHeaders`:
 * `IsHTTPHeaderName` of k8s.io/apimachinery (`[-A-Za-z0-9]+`, a stricter subset of the RFC 7230 token; the
 * Deployment is refused with `a valid HTTP header must consist of alphanumeric characters or '-'`). The same
 * model feeds the Docker HEALTHCHECK, which would take any token, so the Kubernetes rule is the one applied.
 * @see https://github.com/kubernetes/apimachinery/blob/master/pkg/util/validation/validation.go
 */
const HEADER_NAME_RE = /^[-A-Za-z0-9]+$/;
export function checkHeaderName(path: string, value: string): string {
  if (typeof value !== 'string' || !HEADER_NAME_RE.test(value)) {
    // The fix for the common case: '_' (or another token character) where Kubernetes wants '-'.
    const fixed = typeof value === 'string' ? value.replace(/[^-A-Za-z0-9]/g, '-') : '';
    const hint = /[A-Za-z0-9]/.test(fixed) && fixed !== value ? `; write ${show(fixed)}` : '';
    fail(path, `an HTTP header name of letters, digits and '-' only (the Kubernetes API server refuses any other character in a probe's header name${hint})`, value);
  }
  return value;
}

/** Header values: 1-4096 visible ASCII characters and inner spaces (curl drops an empty header; the kubelet sends it). */
const HEADER_VALUE_RE = /^[\x21-\x7e]([\x20-\x7e]{0,4094}[\x21-\x7e])?$/;
export function checkHeaderValue(path: string, value: string): string {
  if (typeof value !== 'string' || !HEADER_VALUE_RE.test(value)) {
    fail(path, 'an HTTP header value of 1-4096 visible ASCII characters and inner spaces', value);
  }
  return value;
}

/** An absolute container path without '..' segments or shell-special characters. */
const ABS_PATH_RE = /^\/[A-Za-z0-9._\-/@+]*$/;
export function checkAbsolutePath(path: string, value: string): string {
  const segments = typeof value === 'string' ? value.split('/').slice(1) : [];
  if (
    typeof value !== 'string' || !ABS_PATH_RE.test(value) || value.length > 1024 ||
    (value !== '/' && segments.some((s) => s === '' || s === '.' || s === '..'))
  ) {
    fail(path, "a normalized absolute path of [A-Za-z0-9._-/@+] (no '.', '..', empty segment or trailing '/')", value);
  }
  return value;
}

/** A relative project path for a generated file (no leading '/', no '..'). */
const REL_PATH_RE = /^[A-Za-z0-9._\-@+][A-Za-z0-9._\-/@+]*$/;
const RESERVED_SEGMENTS = ['', '.', '..', '.git', '.projen', 'node_modules'];
export function checkRelativePath(path: string, value: string): string {
  if (typeof value !== 'string' || !REL_PATH_RE.test(value) || value.length > 1024 || value.split('/').some((s) => RESERVED_SEGMENTS.includes(s))) {
    fail(path, "a relative path of [A-Za-z0-9._-/@+] without '.', '..', empty, .git, .projen or node_modules segments", value);
  }
  return value;
}

/** Kubernetes IANA_SVC_NAME: 1-15 chars, lowercase alphanumerics and '-', at least one letter, no '--', no leading/trailing '-'. */
export function checkPortName(path: string, value: string): string {
  if (
    typeof value !== 'string' ||
    !/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(value) ||
    !/[a-z]/.test(value) ||
    value.includes('--')
  ) {
    fail(path, "a Kubernetes port name (IANA_SVC_NAME: 1-15 of [a-z0-9-], a letter, no '--')", value);
  }
  return value;
}

/** RFC 1123 DNS label (Kubernetes container and volume names). */
export function checkDnsLabel(path: string, value: string): string {
  if (typeof value !== 'string' || !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(value)) {
    fail(path, 'an RFC 1123 DNS label (1-63 of [a-z0-9-], alphanumeric at both ends)', value);
  }
  return value;
}

/** Environment variable names as POSIX shells accept them. */
export function checkEnvName(path: string, value: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    fail(path, 'an environment variable name matching /^[A-Za-z_][A-Za-z0-9_]*$/', value);
  }
  return value;
}

/** Debian/Alpine package names (with optional =version pin). */
export function checkPackageName(path: string, value: string): string {
  if (typeof value !== 'string' || !/^[a-z0-9][a-z0-9+.\-]*(=[A-Za-z0-9.+~:\-]+)?$/.test(value)) {
    fail(path, 'a package name of [a-z0-9+.-] with an optional =version', value);
  }
  return value;
}

/** OCI / hadolint DL3048 label keys. */
export function checkLabelKey(path: string, value: string): string {
  if (
    typeof value !== 'string' ||
    !/^[a-z0-9]([a-z0-9._/-]*[a-z0-9])?$/.test(value) ||
    /[.-]{2}/.test(value) ||
    /^(com\.docker\.|io\.docker\.|org\.dockerproject\.)/.test(value)
  ) {
    fail(
      path,
      "a label key of [0-9a-z._/-], alphanumeric at both ends, no '..' or '--', outside the reserved com.docker./io.docker./org.dockerproject. namespaces",
      value,
    );
  }
  return value;
}

/**
 * Image reference as `[registry/]repository:tag` or `...@sha256:<64 hex>`; a tag or a digest is
 * required and the tag may not be `latest` (hadolint DL3006/DL3007, Trivy DS-0001).
 */
const IMAGE_RE =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@sha256:[a-f0-9]{64})?$/;
/** A well-formed image reference pinned by a tag other than latest or by a digest (`checkImageReference` would take it). */
export function isPinned(value: string): boolean {
  const m = IMAGE_RE.exec(value);
  return m !== null && ((m[1] !== undefined && m[1] !== 'latest') || value.includes('@sha256:'));
}

export function checkImageReference(path: string, value: string, allowUnpinned: boolean = false): string {
  const m = typeof value === 'string' ? IMAGE_RE.exec(value) : null;
  const hasDigest = typeof value === 'string' && value.includes('@sha256:');
  // allowUnpinned (BaseImage.fromUnpinnedReference): a well-formed reference without a tag, or tagged latest.
  if (allowUnpinned && m) return value;
  if (!m || (!m[1] && !hasDigest) || m[1] === 'latest') {
    fail(path, "an image reference pinned by a tag other than 'latest' or by an @sha256 digest", value);
  }
  return value;
}

/**
 * An image reference that may name build args (`gcr.io/distroless/static-debian12:latest-${GOARCH}`, `$BUILDER`),
 * checked for its form only (each `$NAME` / `${NAME}` read as a placeholder word), pinned or not: the image is
 * whatever `--build-arg` gives. For the explicit unpinned opt-ins (`BaseImage.fromUnpinnedReference`, `unpinnedImages`).
 */
export function checkUnpinnedImageReference(path: string, value: string): string {
  if (typeof value !== 'string' || /\$\{[^}]*$|\$(?![{A-Za-z_])/.test(value)) fail(path, 'an image reference (build args as ${NAME} or $NAME)', value);
  checkImageReference(path, value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, 'arg'), true);
  return value;
}

/** Dockerfile stage names. */
export function checkStageName(path: string, value: string): string {
  if (typeof value !== 'string' || !/^[a-z][a-z0-9_.-]*$/.test(value)) {
    fail(path, 'a stage name matching /^[a-z][a-z0-9_.-]*$/', value);
  }
  return value;
}

/**
 * A LABEL or ENV value: no control characters, and not starting with a quote character (dockerfile-utils,
 * the validator this project's output must pass, misreads a value that starts with `'` or `"`).
 */
export function checkQuotedValue(path: string, value: string): string {
  checkNoControl(path, value);
  if (value.length > 4096) fail(path, 'at most 4096 characters', `${value.slice(0, 40)}... (${value.length} characters)`);
  if (/^['"]/.test(value)) fail(path, 'a value that does not start with a quote character', value);
  return value;
}

/**
 * One line of a Dockerfile written as given (a RUN command, a comment): no control characters and no
 * trailing backslash, which would continue the line into the next instruction.
 */
export function checkLine(path: string, value: string): string {
  checkNonEmpty(path, value);
  if (/\\\s*$/.test(value)) fail(path, 'a line that does not end with a backslash (it would swallow the next line)', value);
  return value;
}

/** A non-empty list of one-line shell commands (they are shell code, written as given). */
export function checkCommands(path: string, commands: string[]): string[] {
  if (!Array.isArray(commands) || commands.length === 0) fail(path, 'a non-empty array of commands', commands);
  commands.forEach((c, i) => checkLine(`${path}[${i}]`, c));
  return [...commands];
}

/**
 * An exec-form argv: a non-empty array, each argument checked by `checkArg` (given its field path, the
 * argument, its index and the whole argv). Returns a copy.
 */
export function checkArgvWith(
  path: string,
  argv: readonly string[],
  checkArg: (path: string, arg: string, index: number, argv: readonly string[]) => void,
): string[] {
  if (!Array.isArray(argv) || argv.length === 0) fail(path, 'a non-empty argv array', argv);
  argv.forEach((a, i) => checkArg(`${path}[${i}]`, a, i, argv));
  return [...argv];
}

/** The edit distance of two strings (insertions, deletions, substitutions and swaps of neighbours each cost 1). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known key nearest to `key` (case-insensitive edit distance at most a third of its length, at least 2), if any. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const distance = editDistance(key.toLowerCase(), k.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [k, distance];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Refuses an options object with a key its interface does not have: TypeScript checks object literals, but a
 * spread object, `.projenrc.js` and the Python bindings pass any key, and an unknown one (`nodeImgae`) would be
 * dropped unseen. `known` is the interface's key list, typed `Record<keyof X, true>` beside the construct that
 * reads it, so that the compiler keeps it complete. A key whose value is `undefined` is checked too (a typo is a typo).
 * @param path the options' field path (`backend`, `backend.timing`)
 * @param type the interface's name, for the message (`NodeServiceOptions`)
 * @throws Error `<path>.<key>: must be an option of <type> (did you mean <nearest>?); received <value>`
 */
export function checkKnownKeys(path: string, value: unknown, known: Readonly<Record<string, true>>, type: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) fail(path, `an object (${type})`, value);
  const names = Object.keys(known);
  for (const key of Object.keys(value as object)) {
    if (Object.prototype.hasOwnProperty.call(known, key)) continue;
    const near = nearestKey(key, names);
    const hint = near ? `did you mean ${near}?` : `it has ${names.join(', ')}`;
    const given = (value as Record<string, unknown>)[key];
    // A value object shows as it reads (a Duration: `10s`), or by its class (`a HealthCheck`), never as its private fields.
    const ctor = given !== null && typeof given === 'object' && !Array.isArray(given) ? (given as object).constructor : undefined;
    const shown = ctor === undefined || ctor === Object ? given : (given as object).toString !== Object.prototype.toString ? String(given) : `a ${ctor.name}`;
    fail(path ? `${path}.${key}` : key, `an option of ${type} (${hint})`, shown);
  }
}
