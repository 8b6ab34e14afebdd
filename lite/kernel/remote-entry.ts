/**
 * The extension's entry as JupyterLab's federated-extension loader expects it (what webpack's module federation
 * emits as remoteEntry.js): a container on `window._JUPYTERLAB[name]` with `init(shareScope)` and
 * `get('./extension')`. Written by hand so that esbuild builds the extension: the only shared module it needs,
 * @jupyterlite/services, is taken from the app's share scope in `init`.
 */
import { createPlugins, type SharedModules } from './extension';
import { EXTENSION_NAME } from './names';

type ShareScope = Record<string, Record<string, { get: () => Promise<() => unknown>; loaded?: unknown }>>;

/** The highest version of a shared package in the scope. */
async function shared(scope: ShareScope, pkg: string): Promise<unknown> {
  const versions = scope[pkg];
  if (!versions || Object.keys(versions).length === 0) throw new Error(`${EXTENSION_NAME}: the app shares no ${pkg}`);
  const newest = Object.keys(versions).sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).pop() as string;
  const factory = await versions[newest].get();
  return factory();
}

// The folder of this script: the worker, the .wasm files and the digits are beside it.
const script = (document.currentScript as HTMLScriptElement | null)?.src ?? '';
const baseUrl = script.slice(0, script.lastIndexOf('/') + 1);
declare const KERNEL_LOGO: string;

let modules: SharedModules | undefined;
const w = window as unknown as { _JUPYTERLAB?: Record<string, unknown> };
w._JUPYTERLAB = w._JUPYTERLAB ?? {};
w._JUPYTERLAB[EXTENSION_NAME] = {
  async init(scope: ShareScope) {
    // @jupyterlite/services holds the kernel API since 0.7; @jupyterlite/kernel re-exports it (older apps).
    const pkg = scope['@jupyterlite/services'] ? '@jupyterlite/services' : '@jupyterlite/kernel';
    modules = { services: (await shared(scope, pkg)) as SharedModules['services'] };
  },
  async get(module: string) {
    if (module !== './extension' && module !== './index') throw new Error(`Module "${module}" does not exist in container.`);
    if (!modules) throw new Error(`${EXTENSION_NAME}: get() before init()`);
    const plugins = createPlugins(modules, { baseUrl, logo: KERNEL_LOGO });
    return () => ({ __esModule: true, default: plugins });
  },
};
