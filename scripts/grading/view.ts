/**
 * The project as a graded kernel sees it (issue 14): a folder with lib/ as
 * compiled JavaScript plus declarations, the kernel's start script and
 * package.json — and nothing else (no exercises/solutions, no notebooks, no
 * .git, no grader output). Two things are taken out of lib/ for the chapter
 * being graded:
 *
 *  - the library's own implementations of the chapter's exercises
 *    (the exercise modules' `library` entries, e.g. klDivergence and
 *    gaussianKl for chapter 3): their bodies are replaced by a stub that throws
 *    an error carrying LIBRARY_STUB, so any path to them — lib/index, a deeper
 *    module, a require, another library function that calls them — fails, and
 *    the grader scores the answer 0 with a note saying why;
 *  - the judges (lib/coursework/check*.ts: reference computations, the inline
 *    checks): every export is a stub, and their code is not in the folder.
 *
 * Only what a chapter grades is stubbed: chapter 4's β sweep trains with
 * vae.train, which needs elbo (stubbed in chapter 3 only).
 *
 * Compiling lib/ ahead also saves the kernel from type-checking it (tslab
 * compiles every imported .ts file; with declarations it reads those instead).
 * The declarations and the plain JavaScript depend on lib/ only and are cached
 * in .cache/grading/; a chapter's view rewrites the few modules it stubs.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { chapterLibrary, parseLibraryEntry } from '../../lib/coursework/library-use';

/** What a stubbed library function's error message carries: `[library-stub:<name>]`. */
export const LIBRARY_STUB = '[library-stub:';

/** The judges: modules of lib/ the graded kernel gets as stubs only (paths under lib/). */
export const JUDGE_MODULES = ['coursework/check.ts'];

/** Where the exercise modules are (lib/coursework/exercise.ts): the graded kernel gets their student's side only. */
export const EXERCISE_MODULE_DIR = 'coursework/exercises/';

/** What an exercise module keeps in the graded kernel: its spec and the student's side, with what they use. */
export const KERNEL_SIDE = ['exercise', 'schema', 'answer'];

/** Whether `file` (under lib/) is an exercise module. */
export function isExerciseModule(file: string): boolean {
  return file.startsWith(EXERCISE_MODULE_DIR) && file.endsWith('.ts') && !file.endsWith('/index.ts') && !file.slice(EXERCISE_MODULE_DIR.length).includes('/');
}

/** Bumped when the declarations' build changes, so older caches are not reused. */
const DECLARATIONS_VERSION = 1;

/** Every .ts source file under lib/, relative to lib/, sorted. */
export function libSources(root: string): string[] {
  const lib = path.join(root, 'lib');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(path.relative(lib, p).split(path.sep).join('/'));
    }
  };
  walk(lib);
  return out.sort();
}

function tslabOptions(root: string): ts.CompilerOptions {
  // The options tslab compiles notebooks with (tsconfig.tslab.json), so cells type-check as they would against lib/*.ts.
  const file = path.join(root, 'tsconfig.tslab.json');
  const cfg = ts.readConfigFile(file, ts.sys.readFile);
  if (cfg.error) throw new Error(`grading view: cannot read ${file}: ${ts.flattenDiagnosticMessageText(cfg.error.messageText, '\n')}`);
  return ts.convertCompilerOptionsFromJson(cfg.config.compilerOptions, root).options;
}

/** The key of lib/'s declarations: every source under lib/, the compiler's version and this build's. */
function declarationsKey(root: string, sources: string[]): string {
  const h = crypto.createHash('sha256');
  h.update(`${ts.version}\n${DECLARATIONS_VERSION}\n`);
  h.update(fs.readFileSync(path.join(root, 'tsconfig.tslab.json')));
  for (const s of sources) {
    h.update(`${s}\n`);
    h.update(fs.readFileSync(path.join(root, 'lib', s)));
  }
  return h.digest('hex').slice(0, 16);
}

/** Writes a cache folder with `build(tmp)` unless it exists; another grader building it at the same time keeps theirs. */
function cached(dir: string, build: (tmp: string) => void): string {
  if (fs.existsSync(path.join(dir, 'index.d.ts')) || fs.existsSync(path.join(dir, 'index.js'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    build(tmp);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true });
    return dir;
  }
  // Builds of an older lib/ are of no more use.
  const kind = path.basename(dir).replace(/-[0-9a-f]+$/, '');
  for (const other of fs.readdirSync(path.dirname(dir))) {
    if (other !== path.basename(dir) && new RegExp(`^${kind}-[0-9a-f]+$`).test(other)) fs.rmSync(path.join(path.dirname(dir), other), { recursive: true, force: true });
  }
  return dir;
}

/** lib/'s .d.ts files (cached): built once per change of lib/, in about as long as a type check. */
export function libDeclarations(root: string): string {
  const sources = libSources(root);
  return cached(path.join(root, '.cache', 'grading', `declarations-${declarationsKey(root, sources)}`), (tmp) => emitDeclarations(root, sources, tmp));
}

/** lib/ as plain JavaScript, nothing stubbed (cached like the declarations). */
export function libJavaScript(root: string): string {
  const sources = libSources(root);
  return cached(path.join(root, '.cache', 'grading', `javascript-${declarationsKey(root, sources)}`), (tmp) => {
    for (const file of sources) {
      const out = path.join(tmp, file.replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, ts.transpileModule(fs.readFileSync(path.join(root, 'lib', file), 'utf8'), { compilerOptions: JS_OPTIONS, fileName: file }).outputText);
    }
  });
}

function emitDeclarations(root: string, sources: string[], tmp: string): void {
  const options: ts.CompilerOptions = {
    ...tslabOptions(root),
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    removeComments: true,
    rootDir: path.join(root, 'lib'),
    outDir: tmp,
  };
  const program = ts.createProgram(sources.map((s) => path.join(root, 'lib', s)), options);
  const emitted = program.emit();
  const errors = emitted.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new Error(`grading view: lib/ declarations failed: ${ts.flattenDiagnosticMessageText(errors[0].messageText, ' ')}`);
}

/** The error a stubbed library function throws. */
export function libraryStubMessage(name: string): string {
  return `${name} is the library's own implementation of an exercise of this chapter, which graded answers cannot use ${LIBRARY_STUB}${name}]`;
}

/** The library functions an answer called, from the messages of the errors it threw. */
export function libraryStubsIn(message: string): string[] {
  const out: string[] = [];
  const re = /\[library-stub:([A-Za-z_$][\w$]*)\]/g;
  for (let m = re.exec(message); m; m = re.exec(message)) out.push(m[1]);
  return out;
}

/** A transformer that replaces the bodies of the named top-level functions with `throw new Error(libraryStubMessage(name))`. */
function stubFunctions(file: string, names: Set<string>): ts.TransformerFactory<ts.SourceFile> {
  return (ctx) => (sf) => {
    const found = new Set<string>();
    const visit = (node: ts.Node): ts.Node => {
      if (ts.isFunctionDeclaration(node) && node.name && node.body && names.has(node.name.text)) {
        found.add(node.name.text);
        const f = ts.factory;
        const body = f.createBlock([f.createThrowStatement(f.createNewExpression(f.createIdentifier('Error'), undefined, [f.createStringLiteral(libraryStubMessage(node.name.text))]))], true);
        return f.updateFunctionDeclaration(node, node.modifiers, node.asteriskToken, node.name, node.typeParameters, node.parameters, node.type, body);
      }
      return node;
    };
    const out = ts.visitEachChild(sf, visit, ctx);
    const missing = [...names].filter((n) => !found.has(n));
    if (missing.length > 0) throw new Error(`grading view: lib/${file} has no top-level function ${missing.join(', ')} to stub (an exercise module's library list names it)`);
    return out;
  };
}

function judgeMessage(file: string, name: string): string {
  return `${name} (lib/${file}): the checks are not available while grading; the grader judges your answers itself`;
}

/**
 * An exercise module as the graded kernel gets it: its spec (`exercise`), `schema` and `answer`, and the
 * module's own functions and constants they use, as they are; every other top-level function (the plan, the
 * judge, the reference, the solution) and constant (the notebook, tolerances) is a stub that throws. So the
 * kernel can answer probes but holds no expected value, no reference and no solution.
 */
function kernelSide(file: string): ts.TransformerFactory<ts.SourceFile> {
  return (ctx) => (sf) => {
    const f = ts.factory;
    const decls = new Map<string, ts.Statement>();
    for (const st of sf.statements) {
      if (ts.isFunctionDeclaration(st) && st.name) decls.set(st.name.text, st);
      else if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) decls.set(d.name.text, st);
    }
    const keep = new Set<string>();
    const queue = KERNEL_SIDE.filter((n) => decls.has(n));
    const missing = KERNEL_SIDE.filter((n) => !decls.has(n));
    if (missing.length > 0) throw new Error(`grading view: lib/${file} does not define ${missing.join(', ')} (an exercise module must, lib/coursework/exercise.ts)`);
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (keep.has(name)) continue;
      keep.add(name);
      const walk = (n: ts.Node): void => {
        // A name the code refers to (not a property name such as `out.elbo` or `{ elbo: … }`).
        const property = n.parent && ((ts.isPropertyAccessExpression(n.parent) && n.parent.name === n) || (ts.isPropertyAssignment(n.parent) && n.parent.name === n));
        if (ts.isIdentifier(n) && !property && decls.has(n.text) && !keep.has(n.text)) queue.push(n.text);
        ts.forEachChild(n, walk);
      };
      walk(decls.get(name) as ts.Statement);
    }
    const thrower = (name: string) => f.createBlock([f.createThrowStatement(f.createNewExpression(f.createIdentifier('Error'), undefined, [f.createStringLiteral(judgeMessage(file, name))]))], true);
    const statements = sf.statements.map((st): ts.Statement => {
      if (ts.isFunctionDeclaration(st) && st.name && st.body && !keep.has(st.name.text)) {
        return f.updateFunctionDeclaration(st, st.modifiers?.filter((m) => m.kind !== ts.SyntaxKind.AsyncKeyword), st.asteriskToken, st.name, st.typeParameters, st.parameters, undefined, thrower(st.name.text));
      }
      if (ts.isVariableStatement(st)) {
        const list = st.declarationList;
        const declarations = list.declarations.map((d) => {
          if (!ts.isIdentifier(d.name) || keep.has(d.name.text) || !d.initializer) return d;
          const stub = f.createFunctionExpression(undefined, undefined, undefined, undefined, [], undefined, thrower(d.name.text));
          return f.updateVariableDeclaration(d, d.name, d.exclamationToken, undefined, stub);
        });
        return f.updateVariableStatement(st, st.modifiers, f.updateVariableDeclarationList(list, declarations));
      }
      return st;
    });
    return f.updateSourceFile(sf, statements);
  };
}

/** The value names a module exports (declarations and `export { … }` lists; types left out). */
export function exportedValues(source: string, file: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2020, false, ts.ScriptKind.TS);
  const names: string[] = [];
  const exported = (n: ts.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const st of sf.statements) {
    if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) && st.name && exported(st)) names.push(st.name.text);
    else if (ts.isVariableStatement(st) && exported(st)) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    } else if (ts.isExportDeclaration(st) && !st.isTypeOnly) {
      if (!st.exportClause) throw new Error(`grading view: lib/${file} has \`export *\`; a judge module must list what it exports`);
      if (ts.isNamedExports(st.exportClause)) for (const e of st.exportClause.elements) if (!e.isTypeOnly) names.push(e.name.text);
    }
  }
  return [...new Set(names)];
}

/** A judge module as the graded kernel gets it: its exports, each a stub that says the checks are off while grading. */
function judgeStub(file: string, names: string[]): string {
  const lines = [
    '"use strict";',
    'Object.defineProperty(exports, "__esModule", { value: true });',
    `const message = (name) => ${JSON.stringify(judgeMessage(file, 'NAME'))}.replace("NAME", name);`,
    // A function that throws when called, and whose properties are such functions too (check.klDivergence(…)).
    'function unavailable(name) {',
    '  const f = function () { throw new Error(message(name)); };',
    '  return new Proxy(f, { get: (t, p) => (typeof p === "string" && !(p in Function.prototype) ? unavailable(name + "." + p) : Reflect.get(t, p)) });',
    '}',
    ...names.map((n) => `exports.${n} = unavailable(${JSON.stringify(n)});`),
  ];
  return `${lines.join('\n')}\n`;
}

const JS_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2020,
  esModuleInterop: true,
  removeComments: true,
};

/** The stubbed functions of `chapter`, by file under lib/. */
export function chapterStubs(chapter: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const entry of chapterLibrary(chapter)) {
    const [mod, name] = parseLibraryEntry(entry);
    const file = `${mod}.ts`;
    out.set(file, new Set([...(out.get(file) ?? []), name]));
  }
  return out;
}

/**
 * Writes the view of the project for `chapter` into `dir`: lib/ (declarations
 * and the chapter's JavaScript), the kernel's start scripts (scripts/jupyter/tslab-kernel.js,
 * scripts/grading/graded-kernel.js) and package.json.
 * node_modules is the caller's (a read-only bind in the sandbox, a link without).
 */
export function writeView(root: string, chapter: string, dir: string): void {
  const lib = path.join(dir, 'lib');
  fs.mkdirSync(lib, { recursive: true });
  fs.cpSync(libDeclarations(root), lib, { recursive: true });
  fs.cpSync(libJavaScript(root), lib, { recursive: true });
  const stubs = chapterStubs(chapter);
  for (const file of stubs.keys()) {
    if (!fs.existsSync(path.join(root, 'lib', file))) throw new Error(`grading view: lib/${file} does not exist (an exercise module's library list names it)`);
  }
  // Over the plain JavaScript: the judges as stubs, the exercise modules' student's side only, and the modules
  // with the chapter's stubbed functions.
  const exerciseModules = libSources(root).filter(isExerciseModule);
  for (const file of new Set([...JUDGE_MODULES, ...exerciseModules, ...stubs.keys()])) {
    const source = fs.readFileSync(path.join(root, 'lib', file), 'utf8');
    const out = path.join(lib, file.replace(/\.ts$/, '.js'));
    const names = stubs.get(file);
    let js: string;
    if (JUDGE_MODULES.includes(file)) js = judgeStub(file, exportedValues(source, file));
    else {
      const before = [...(isExerciseModule(file) ? [kernelSide(file)] : []), ...(names ? [stubFunctions(file, names)] : [])];
      js = ts.transpileModule(source, { compilerOptions: JS_OPTIONS, fileName: file, transformers: { before } }).outputText;
    }
    fs.writeFileSync(out, js);
  }
  fs.mkdirSync(path.join(dir, 'scripts', 'jupyter'), { recursive: true });
  fs.copyFileSync(path.join(root, 'scripts', 'jupyter', 'tslab-kernel.js'), path.join(dir, 'scripts', 'jupyter', 'tslab-kernel.js'));
  fs.mkdirSync(path.join(dir, 'scripts', 'grading'), { recursive: true });
  fs.copyFileSync(path.join(root, 'scripts', 'grading', 'graded-kernel.js'), path.join(dir, 'scripts', 'grading', 'graded-kernel.js'));
  fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  // Where the sandbox mounts node_modules (a mount point must exist in the read-only view).
  fs.mkdirSync(path.join(dir, 'node_modules'));
}
