// The names a project folder declares for itself (go.mod, package.json, Cargo.toml, pyproject.toml, the git remote).
import * as fs from 'fs';
import * as path from 'path';

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The names a folder's project files give it, lowercased: the last segment of go.mod's module path (without a
 * `/vN` suffix), package.json's `name` (without its `@scope/`), `name` of Cargo.toml's `[package]` and
 * pyproject.toml's `[project]` / `[tool.poetry]`, and the repository of the git `origin` remote. Used for the
 * checked-out folder, whose own name is only where it was cloned.
 */
export function projectNames(dir: string): string[] {
  const out: string[] = [];
  const goMod = read(path.join(dir, 'go.mod'));
  const mod = goMod && /^module\s+"?([^\s"]+)"?/m.exec(goMod)?.[1].replace(/\/v\d+$/, '');
  if (mod) out.push(mod.slice(mod.lastIndexOf('/') + 1));
  const pkg = read(path.join(dir, 'package.json'));
  if (pkg) {
    try {
      const name = (JSON.parse(pkg) as { name?: unknown }).name;
      if (typeof name === 'string') out.push(name.replace(/^@[^/]+\//, ''));
    } catch {
      // Not JSON: no name.
    }
  }
  for (const [file, sections] of [['Cargo.toml', ['package']], ['pyproject.toml', ['project', 'tool.poetry']]] as const) {
    const text = read(path.join(dir, file));
    if (!text) continue;
    for (const section of sections) {
      const body = new RegExp(`^\\[${section.replace('.', '\\.')}\\]\\s*$([\\s\\S]*?)(?=^\\[|(?![\\s\\S]))`, 'm').exec(text)?.[1];
      const name = body && /^\s*name\s*=\s*["']([^"']+)["']/m.exec(body)?.[1];
      if (name) out.push(name);
    }
  }
  const git = read(path.join(dir, '.git', 'config'));
  const url = git && /\[remote "origin"\][^[]*?\burl\s*=\s*(\S+)/.exec(git)?.[1];
  const repo = url && /([^/:]+?)(?:\.git)?\/?$/.exec(url)?.[1];
  if (repo) out.push(repo);
  return [...new Set(out.map((n) => n.toLowerCase()).filter((n) => /^[a-z0-9][a-z0-9._-]*$/.test(n)))];
}
