/**
 * What kustomizations read: the files they list as resources, patches, generator inputs and other settings, and the
 * files they name only in comments (a patch commented out in kustomization.yaml), which kustomize does not read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/** The kustomization files among the YAML files, and what they list (absolute paths). */
export interface KustomizeUse {
  /** Files used as patches (`patches:`, `patchesStrategicMerge:`, `patchesJson6902:`): partial objects. */
  readonly patches: Set<string>;
  /** Every file or folder any kustomization names (resources, bases, components, crds, patches, generator inputs, ...). */
  readonly listed: Set<string>;
  /** The folder of each kustomization that could be read -> its file. */
  readonly folders: Map<string, string>;
  /** Files a kustomization names only in a comment (`# - patch-resources.yaml`): entries turned off. */
  readonly commented: Set<string>;
}

/** `kustomization.yaml`, `kustomization.yml`, `Kustomization`: the names kustomize looks for in a folder. */
export const isKustomization = (file: string) => /^(kustomization\.ya?ml|Kustomization)$/.test(path.basename(file));

const paths = (v: unknown): string[] => (Array.isArray(v) ? v : []).flatMap((e) => {
  const p = typeof e === 'string' ? e : e?.path;
  return typeof p === 'string' && p.trim() !== '' && !p.includes('\n') ? [p.trim()] : [];
});

/** Reads every kustomization among the files (a kustomization that cannot be parsed governs nothing). */
export function kustomizeUse(yamlFiles: string[]): KustomizeUse {
  const patches = new Set<string>();
  const listed = new Set<string>();
  const folders = new Map<string, string>();
  const commented = new Set<string>();
  for (const f of yamlFiles.filter(isKustomization)) {
    let docs: any[];
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
      const parsed = parseAllDocuments(text);
      if (parsed.some((d) => d.errors.length > 0)) continue;
      docs = parsed.map((d) => d.toJS());
    } catch {
      continue;
    }
    const dir = path.dirname(f);
    folders.set(dir, f);
    const at = (p: string) => path.resolve(dir, p);
    for (const m of text.matchAll(/^\s*#.*?([\w.\/-]+\.ya?ml)\b/gm)) commented.add(at(m[1]));
    for (const d of docs) {
      if (!d || typeof d !== 'object') continue;
      for (const p of [...paths(d.patchesStrategicMerge), ...paths(d.patchesJson6902), ...paths(d.patches)]) {
        patches.add(at(p));
        listed.add(at(p));
      }
      const named = [
        ...paths(d.resources), ...paths(d.bases), ...paths(d.components), ...paths(d.crds),
        ...paths(d.replacements), ...paths(d.transformers), ...paths(d.generators), ...paths(d.validators),
        ...paths(d.configurations), ...(typeof d.openapi?.path === 'string' ? [d.openapi.path] : []),
        ...[...(Array.isArray(d.configMapGenerator) ? d.configMapGenerator : []), ...(Array.isArray(d.secretGenerator) ? d.secretGenerator : [])]
          .flatMap((g: any) => [...paths(g?.files).map((x) => x.replace(/^[^=]*=/, '')), ...paths(g?.envs), ...paths(g?.env ? [g.env] : [])]),
        ...(Array.isArray(d.helmCharts) ? d.helmCharts : [])
          .flatMap((h: any) => paths([h?.valuesFile, ...(Array.isArray(h?.additionalValuesFiles) ? h.additionalValuesFiles : [])])),
      ];
      for (const p of named) listed.add(at(p));
    }
  }
  return { patches, listed, folders, commented };
}

/**
 * The kustomization that names the file only in a comment and lists it nowhere (an entry turned off: kustomize never
 * reads it), else undefined. A file a kustomization does not mention at all may be applied on its own (`kubectl apply
 * -f`), so it is read: a patch in it is known by its content (a container without `image:`).
 */
export function unlistedBy(use: KustomizeUse, file: string): string | undefined {
  const k = use.folders.get(path.dirname(file));
  if (!k || k === file || use.listed.has(file) || !use.commented.has(file)) return undefined;
  return k;
}
