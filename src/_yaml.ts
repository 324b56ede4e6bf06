import * as YAML from 'yaml';

/** True when a YAML reader could take `value`, written plain, for something other than this string. */
function ambiguous(value: string): boolean {
  try {
    return YAML.parse(value, { version: '1.1' }) !== value || YAML.parse(value, { version: '1.2' }) !== value;
  } catch {
    return true;
  }
}

/**
 * Serializes `value` as YAML (block style, 2 spaces, no line folding). A string that YAML 1.1
 * (kubectl, go-yaml) or YAML 1.2 would read as a boolean, number or null (`on`, `no`, `1_000`, `0o0`)
 * is double-quoted.
 */
export function safeYaml(value: unknown): string {
  const doc = new YAML.Document(value);
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && ambiguous(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indent: 2, lineWidth: 0 });
}
