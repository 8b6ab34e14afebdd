/**
 * A notebook cell of TypeScript as the JupyterLite kernel runs it, with tslab's behaviour: types are stripped
 * (TypeScript's transpileModule), top-level `await` works, `import … from '…'` takes the module from the kernel
 * (`__import`), and what the cell declares at its top level (imports, const/let/var, functions, classes) stays
 * defined for the next cells. The value of a last expression statement is the cell's result.
 *
 * The JavaScript keeps the lines of transpileModule's output (imports are rewritten on their own lines), so a
 * stack frame's line maps back to the cell's TypeScript line through transpileModule's source map.
 */
import type * as TS from 'typescript';

export interface CompiledCell {
  /** An expression: `(async function (__import) { … })`, to evaluate and call with the module resolver. */
  code: string;
  /** The TypeScript line (from 1) of each JavaScript line (from 1) of the function body; index 0 unused. */
  lineOf: number[];
}

/** A cell that does not parse: the message and the TypeScript line (from 1). */
export class CellSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
    this.name = 'SyntaxError';
  }
}

/** The names a binding (identifier, object or array pattern) declares. */
function boundNames(ts: typeof TS, name: TS.BindingName, out: string[]): void {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) boundNames(ts, el.name, out);
}

/** `import x, { a, b as c } from 'm'` as `var { default: x, a, b: c } = __import('m');`, and its names. */
function rewriteImport(ts: typeof TS, node: TS.ImportDeclaration, names: string[]): string {
  const spec = JSON.stringify((node.moduleSpecifier as TS.StringLiteral).text);
  const clause = node.importClause;
  if (!clause) return `__import(${spec});`;
  const parts: string[] = [];
  if (clause.name) {
    parts.push(`var { default: ${clause.name.text} } = __import(${spec});`);
    names.push(clause.name.text);
  }
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    parts.push(`var ${bindings.name.text} = __import(${spec});`);
    names.push(bindings.name.text);
  } else if (bindings) {
    const fields = bindings.elements.map((e) => (e.propertyName ? `${e.propertyName.text}: ${e.name.text}` : e.name.text));
    names.push(...bindings.elements.map((e) => e.name.text));
    if (fields.length) parts.push(`var { ${fields.join(', ')} } = __import(${spec});`);
  }
  return parts.join(' ');
}

/** Base64 VLQ (source maps): the numbers of one segment. */
function vlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** The original line (from 1) of each generated line (from 1), from a source map's `mappings`. */
function lineTable(mappings: string, generatedLines: number): number[] {
  const table = new Array<number>(generatedLines + 1).fill(0);
  let original = 0;
  mappings.split(';').forEach((line, i) => {
    let first: number | undefined;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const v = vlq(seg);
      if (v.length >= 4) {
        original += v[2];
        if (first === undefined) first = original;
      }
    }
    if (i + 1 <= generatedLines) table[i + 1] = first !== undefined ? first + 1 : 0;
  });
  // A line with no mapping (a blank line) takes the line before it.
  for (let i = 1; i < table.length; i++) if (table[i] === 0) table[i] = table[i - 1] || 1;
  return table;
}

/** Compiles one cell (see the file comment); throws CellSyntaxError when it does not parse. */
export function compileCell(ts: typeof TS, source: string, name = 'cell.ts'): CompiledCell {
  const out = ts.transpileModule(source, {
    fileName: name,
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      sourceMap: true,
      inlineSources: false,
      removeComments: false,
      esModuleInterop: true,
      // Keep every import, used in this cell or not: the names are for the next cells too (as in tslab).
      verbatimModuleSyntax: true,
    },
  });
  const diag = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (diag) {
    const line = diag.file && diag.start !== undefined ? diag.file.getLineAndCharacterOfPosition(diag.start).line + 1 : 1;
    throw new CellSyntaxError(ts.flattenDiagnosticMessageText(diag.messageText, '\n'), line);
  }
  const js = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n').replace(/^export \{\};\s*$/m, '');
  const file = ts.createSourceFile('cell.js', js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const names: string[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  const statements = file.statements;
  statements.forEach((st, i) => {
    if (ts.isImportDeclaration(st)) {
      const text = st.getText(file);
      const lines = text.split('\n').length - 1;
      edits.push({ start: st.getStart(file), end: st.getEnd(), text: rewriteImport(ts, st, names) + '\n'.repeat(lines) });
      return;
    }
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) boundNames(ts, d.name, names);
      // `var`, so that the finally block that keeps the names (below) sees them: const and let would be
      // scoped to the try block.
      const list = st.declarationList;
      const keyword = list.getFirstToken(file);
      if (keyword && keyword.kind !== ts.SyntaxKind.VarKeyword) edits.push({ start: keyword.getStart(file), end: keyword.getEnd(), text: 'var' });
    } else if (ts.isFunctionDeclaration(st) && st.name) names.push(st.name.text);
    else if (ts.isClassDeclaration(st) && st.name) {
      names.push(st.name.text);
      edits.push({ start: st.getStart(file), end: st.getStart(file), text: `var ${st.name.text} = ` });
    }
    // The last expression statement is the cell's value (tslab shows it).
    if (i === statements.length - 1 && ts.isExpressionStatement(st)) {
      const expr = st.expression;
      edits.push({ start: st.getStart(file), end: expr.getStart(file), text: 'return (' });
      edits.push({ start: expr.getEnd(), end: st.getEnd(), text: ');' });
    }
  });
  let body = js;
  for (const e of edits.sort((a, b) => b.start - a.start)) body = body.slice(0, e.start) + e.text + body.slice(e.end);
  // Every top-level name becomes a global of the worker, read by the next cells; one not reached (a throw
  // before its declaration) is skipped.
  const keep = Array.from(new Set(names)).map((n) => `try { globalThis[${JSON.stringify(n)}] = ${n}; } catch {}`).join(' ');
  const code = `(async function (__import) { try { ${body}\n} finally { ${keep} } })`;
  const map = JSON.parse(out.sourceMapText ?? '{"mappings": ""}') as { mappings: string };
  return { code, lineOf: lineTable(map.mappings, body.split('\n').length) };
}
