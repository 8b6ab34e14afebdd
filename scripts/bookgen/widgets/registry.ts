// Node: the widgets the book knows. A widget is a folder of scripts/bookgen/widgets/ holding page.ts, its page code
// (`mount` and the pure functions it draws and computes with; runtime.ts bundles every folder's page.ts into
// assets/widgets.js), and build.ts, its build step (`widget`: the directive's arguments and `prepare`). The folders
// are the registry: adding a widget adds its folder (and its test), and nothing else lists the widgets.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BookError, widgetFigureId } from '../markdown';
import type { WidgetArgs, WidgetBuild } from './prepare';

export const WIDGETS_DIR = __dirname;
const PAGE = 'page.ts';
const BUILD = 'build.ts';

/** The widgets' names (their folders), sorted; a folder lacking page.ts or build.ts, or badly named, is an error. */
export function widgetNames(dir = WIDGETS_DIR): string[] {
  const names: string[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    const where = `${path.relative(process.cwd(), path.join(dir, d.name)) || d.name}/`;
    const missing = [PAGE, BUILD].filter((f) => !fs.existsSync(path.join(dir, d.name, f)));
    if (missing.length) throw new BookError(`${where}: a widget's folder holds ${PAGE} (its page code) and ${BUILD} (its build step); ${missing.join(' and ')} missing`);
    // The name is the directive's word and a CSS class (figure.widget-NAME).
    if (!/^[a-z][a-z0-9-]*$/.test(d.name)) throw new BookError(`${where}: a widget's name is lower-case letters, digits and hyphens`);
    names.push(d.name);
  }
  return names.sort();
}

const builds = new Map<string, WidgetBuild>();

/** The build step of widget `name` (its build.ts's `widget`), undefined for a name that is no widget. */
export function widgetBuild(name: string, dir = WIDGETS_DIR): WidgetBuild | undefined {
  const file = path.join(dir, name, 'build');
  if (builds.has(file)) return builds.get(file);
  if (!widgetNames(dir).includes(name)) return undefined;
  const mod = require(file) as { widget?: Partial<WidgetBuild> };
  const w = mod.widget;
  if (!w || typeof w.prepare !== 'function' || !Array.isArray(w.args)) {
    throw new BookError(`${path.relative(process.cwd(), file)}.ts: export const widget: WidgetBuild = { args: [...], prepare }`);
  }
  builds.set(file, w as WidgetBuild);
  return w as WidgetBuild;
}

/** Parses `NAME fig-ID key=value …` (the text after `::: widget`) and checks it against the widget's build step. */
export function parseWidget(spec: string, where: string): WidgetArgs {
  const words = spec.trim().split(/\s+/).filter(Boolean);
  const name = words.shift() ?? '';
  const kind = /^[a-z][a-z0-9-]*$/.test(name) ? widgetBuild(name) : undefined;
  if (!kind) throw new BookError(`${where}: unknown widget "${name}" (known: ${widgetNames().join(', ')})`);
  const id = widgetFigureId(spec);
  if (!id) throw new BookError(`${where}: widget ${name} needs a figure id after its name: "::: widget ${name} fig-some-name …"`);
  words.shift();
  const args: Record<string, string> = {};
  for (const word of words) {
    const m = /^([a-z]+)=(\S+)$/.exec(word);
    if (!m) throw new BookError(`${where}: widget ${name}: "${word}" is not key=value`);
    if (!kind.args.includes(m[1])) throw new BookError(`${where}: widget ${name} takes ${kind.args.join(', ') || 'no arguments'}, not "${m[1]}"`);
    args[m[1]] = m[2];
  }
  return { name, id, args, where };
}
