// Type-checks an `--emit-projenrc` fragment as a .projenrc.ts would be checked (shared by the adoption tests).
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Type errors of a .projenrc.ts made of the fragment: strict and with noUnusedLocals (as projen's own tsconfig), the
 * package imported from src/, `project` declared before the first statement. The source lives in memory under
 * `name` in this folder (nothing is written).
 */
export function fragmentTypeErrors(fragment: string, name = '__fragment__.ts'): string[] {
  const file = path.join(__dirname, name);
  const source = [
    "import { Project } from 'projen';",
    fragment.replace("from 'projen-containers'", `from ${JSON.stringify(path.resolve(__dirname, '..', '..', 'src'))}`),
    '',
  ].join('\n').replace(/^(\/\/ From |new [A-Za-z]+\(project)/m, "const project = new Project({ name: 'adopted' });\n$1");
  const options: ts.CompilerOptions = {
    noEmit: true, strict: true, noUnusedLocals: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, esModuleInterop: true, skipLibCheck: true, types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (n, lang, ...rest) => (n === file ? ts.createSourceFile(n, source, lang) : getSourceFile(n, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (n) => n === file || fileExists(n);
  return ts.getPreEmitDiagnostics(ts.createProgram([file], options, host)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}
