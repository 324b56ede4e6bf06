// YAML output: the `yaml` package (projen's own copy when the same version) with YAML 1.1-safe quoting.
import * as path from 'path';
import type * as YamlModule from 'yaml';

/**
 * The `yaml` package. projen bundles its own copy and has loaded it before any component runs; when that copy
 * is the very version bundled here, it is reused (a second copy costs about 23 ms of every synthesis,
 * docs/performance.md), else the copy bundled with this library is loaded. Same version, same output.
 */
function loadYaml(): typeof YamlModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const own = require('yaml/package.json').version as string;
  try {
    const projenDir = path.dirname(require.resolve('projen/package.json'));
    const projenYaml = path.dirname(require.resolve('yaml/package.json', { paths: [projenDir] }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (require(path.join(projenYaml, 'package.json')).version === own) return require(projenYaml);
  } catch {
    // projen without a resolvable yaml: use ours.
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml');
}

const YAML = loadYaml();

/**
 * Strings no YAML 1.1 or 1.2 reader takes for anything else: a letter or `/` first (numbers, dates and
 * `.inf` start otherwise), then `[A-Za-z0-9_./-]`, longer than every boolean and null word (`false` has 5).
 */
const PLAIN_STRING_RE = /^[A-Za-z/][A-Za-z0-9_./-]{5,}$/;

/**
 * Strings a YAML reader takes as one plain scalar, which is a string unless one of the schemas'
 * implicit tags (null, bool, int, float, timestamp) matches it.
 */
const SCALAR_RE = /^[A-Za-z0-9_.+~][A-Za-z0-9_./+~-]*$/;

/** The implicit tags of YAML 1.1 (kubectl, go-yaml) and of YAML 1.2's core schema, as the yaml package resolves them. */
let implicitTags: RegExp[] | undefined;

/** Results of `ambiguous` for the other strings already asked. */
const ambiguity = new Map<string, boolean>();

/**
 * True when a YAML reader could take `value`, written plain, for something other than this string.
 * Plain-scalar strings are matched against the schemas' implicit tags; other strings are parsed
 * (yaml's parser costs about as much as rendering a snippet when it first runs).
 */
export function ambiguous(value: string): boolean {
  if (PLAIN_STRING_RE.test(value)) return false;
  if (SCALAR_RE.test(value)) {
    implicitTags ??= ['1.1', '1.2'].flatMap((version) =>
      new YAML.Document(null, { version: version as '1.1' | '1.2' }).schema.tags
        .flatMap((t) => ('test' in t && t.default && t.test instanceof RegExp ? [t.test] : [])),
    );
    return implicitTags.some((re) => re.test(value));
  }
  const known = ambiguity.get(value);
  if (known !== undefined) return known;
  let result: boolean;
  try {
    result = YAML.parse(value, { version: '1.1' }) !== value || YAML.parse(value, { version: '1.2' }) !== value;
  } catch {
    result = true;
  }
  if (ambiguity.size >= 10_000) ambiguity.clear();
  ambiguity.set(value, result);
  return result;
}

/** A double-quoted scalar of `value`. */
function quoted(value: string): YamlModule.Scalar {
  const scalar = new YAML.Scalar(value);
  scalar.type = 'QUOTE_DOUBLE';
  return scalar;
}

/**
 * The value with every ambiguous string (values and map keys) replaced by a double-quoted scalar. Marking
 * the plain object costs far less than a YAML.visit over the finished document.
 */
function quote(v: unknown): unknown {
  if (typeof v === 'string') return ambiguous(v) ? quoted(v) : v;
  if (Array.isArray(v)) return v.map(quote);
  if (v !== null && typeof v === 'object' && !(v instanceof YAML.Scalar)) {
    const entries = Object.entries(v);
    if (!entries.some(([k]) => ambiguous(k))) return Object.fromEntries(entries.map(([k, x]) => [k, quote(x)]));
    const map = new YAML.YAMLMap();
    for (const [k, x] of entries) map.items.push(new YAML.Pair(ambiguous(k) ? quoted(k) : k, quote(x)));
    return map;
  }
  return v;
}

/**
 * Serializes `value` as YAML (block style, 2 spaces, no line folding). A string, value or key, that YAML 1.1
 * (kubectl, go-yaml) or YAML 1.2 would read as a boolean, number or null (`on`, `no`, `1_000`, `0o0`)
 * is double-quoted.
 */
export function safeYaml(value: unknown): string {
  return new YAML.Document(quote(value)).toString({ indent: 2, lineWidth: 0 });
}
