import { createAccountCommands, installPackageCommands } from './_accounts';
import { ServiceModel } from './_service';
import { Instruction } from '../dockerfile/instruction';

/**
 * The setup step of a container: its packages (the check tool's among them) installed and its account
 * created, in one RUN; preceded by `USER 0:0` when the base image's default user is not root.
 */
export function setupInstructions(m: ServiceModel): Instruction[] {
  const installs = installPackageCommands(m.base.family, m.packages);
  const u = m.user;
  const accounts = m.createAccount ? createAccountCommands(m.base.family, u) : [];
  if (installs.length === 0 && accounts.length === 0) return [];
  const parts: string[] = [];
  if (installs.length > 0) {
    const what = m.packages.map((p) => (p === m.toolPackage ? `${p} (runs the HEALTHCHECK)` : p)).join(', ');
    parts.push(`System packages ${what}, without package caches in the layer`);
  }
  if (accounts.length > 0) parts.push(`the non-root account ${u.name}:${u.group} with fixed ids ${u.uid}:${u.gid}, no home and no login shell`);
  const out: Instruction[] = [];
  if (m.base.defaultUserNonRoot) {
    out.push(Instruction.rootUser(`The setup below needs root; the base image's default user is ${m.base.user?.name ?? 'not root'}, and USER below switches back.`));
  }
  const text = parts.join('; and ');
  out.push(Instruction.run(`${text.charAt(0).toUpperCase()}${text.slice(1)}.`, [...installs, ...accounts]));
  return out;
}
