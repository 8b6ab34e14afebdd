/**
 * The TypeScript kernel of the book's JupyterLite site, as a JupyterLite (federated) extension. The page side
 * is a BaseKernel of @jupyterlite/services, taken from the app's shared modules at load time (remote-entry.ts),
 * that forwards each execute request to its Web Worker (worker.ts) and turns the worker's messages into
 * Jupyter messages. Interrupt: the app's kernel client only cancels the queued cells, so its `interrupt` is
 * wrapped to also stop the running one (a flag the training loops check once per step); a cell that does not
 * stop within a few seconds (a long computation with no interrupt point) ends with the worker, which restarts.
 * Restart: the app disposes the kernel (its worker ends) and creates a new one.
 */
import type { DisplayContent, FromWorker, ToWorker } from './protocol';

/** The part of @jupyterlite/services' BaseKernel this kernel uses (the protected methods, seen from here). */
export interface BaseKernelLike {
  readonly id: string;
  readonly executionCount: number;
  readonly parentHeader: unknown;
  readonly isDisposed: boolean;
  dispose(): void;
  stream(content: { name: 'stdout' | 'stderr'; text: string }, parentHeader?: unknown): void;
  displayData(content: DisplayContent, parentHeader?: unknown): void;
  updateDisplayData(content: DisplayContent, parentHeader?: unknown): void;
  publishExecuteResult(content: { execution_count: number; data: Record<string, unknown>; metadata: Record<string, unknown> }, parentHeader?: unknown): void;
  publishExecuteError(content: { ename: string; evalue: string; traceback: string[] }, parentHeader?: unknown): void;
}
type BaseKernelClass = new (options: { id: string; name: string; location: string; sendMessage: unknown }) => BaseKernelLike;

/** The shared modules the extension needs, as the app's share scope hands them out. */
export interface SharedModules {
  services: {
    BaseKernel: BaseKernelClass;
    IKernelSpecs: object;
    IKernelClient: object;
  };
}

interface KernelSpecs {
  register(options: { spec: object; create: (options: never) => Promise<BaseKernelLike> }): void;
}
interface KernelClient {
  interrupt(kernelId: string): Promise<void>;
}

/** Where the extension's static files are (the worker, the .wasm files, the digits): beside the remote entry. */
export interface KernelAssets {
  /** URL of the folder, ending in '/'. */
  baseUrl: string;
  /** Data URL or URL of the kernel's logo. */
  logo: string;
}

type Reply = { status: 'ok' } | { status: 'error'; ename: string; evalue: string; traceback: string[] };

/** Seconds a cell has to stop after an interrupt before the worker is ended and restarted. */
const INTERRUPT_GRACE_MS = 3000;

/** The site's run profile (quick | full), from the page's jupyter-config-data (the book build writes it). */
function siteProfile(): string {
  try {
    const el = document.getElementById('jupyter-config-data');
    const cfg = el ? (JSON.parse(el.textContent ?? '{}') as { vaeBookProfile?: string }) : {};
    return cfg.vaeBookProfile === 'quick' ? 'quick' : 'full';
  } catch {
    return 'full';
  }
}

export function createPlugins(shared: SharedModules, assets: KernelAssets): object[] {
  const { BaseKernel, IKernelSpecs, IKernelClient } = shared.services;
  const kernels = new Map<string, TypeScriptKernel>();

  class TypeScriptKernel extends BaseKernel {
    private worker!: Worker;
    private flag: Int32Array | undefined;
    private started!: Promise<string>;
    private pending = new Map<number, { resolve: (r: Reply) => void; parent: unknown }>();
    private nextId = 0;
    private banner = '';

    constructor(options: ConstructorParameters<BaseKernelClass>[0]) {
      super(options);
      kernels.set(this.id, this);
      this.start();
    }

    private start(): void {
      this.worker = new Worker(`${assets.baseUrl}worker.js`);
      const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
      const buffer = isolated && typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4) : undefined;
      this.flag = buffer ? new Int32Array(buffer) : undefined;
      this.started = new Promise((resolve, reject) => {
        this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
          if (e.data.type === 'ready') resolve(e.data.banner);
          else if (e.data.type === 'init-error') reject(new Error(e.data.message));
          else this.onWorker(e.data);
        };
        this.worker.onerror = (e) => reject(new Error(`the kernel's worker failed to start: ${e.message}`));
      });
      this.started.then((b) => (this.banner = b), () => undefined);
      const init: ToWorker = { type: 'init', baseUrl: assets.baseUrl, profile: siteProfile(), interruptFlag: buffer };
      this.worker.postMessage(init);
    }

    get ready(): Promise<void> {
      return this.started.then(() => undefined);
    }

    dispose(): void {
      if (this.isDisposed) return;
      this.worker.terminate();
      kernels.delete(this.id);
      super.dispose();
    }

    private parentOf(id?: number): unknown {
      return (id !== undefined ? this.pending.get(id)?.parent : undefined) ?? this.parentHeader;
    }

    private onWorker(m: FromWorker): void {
      const parent = this.parentOf([...this.pending.keys()].pop());
      switch (m.type) {
        case 'stream':
          this.stream({ name: m.name, text: m.text }, parent);
          break;
        case 'display_data':
          this.displayData(m.content, parent);
          break;
        case 'update_display_data':
          this.updateDisplayData(m.content, parent);
          break;
        case 'result':
          this.publishExecuteResult({ execution_count: this.executionCount, data: m.data, metadata: {} }, this.parentOf(m.id));
          break;
        case 'reply': {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          p?.resolve(m.status === 'ok' ? { status: 'ok' } : { status: 'error', ename: m.ename, evalue: m.evalue, traceback: m.traceback });
          break;
        }
      }
    }

    /** Stops the running cell: the flag or message the training loops check, then the worker itself. */
    interrupt(): void {
      if (this.pending.size === 0) return;
      if (this.flag) Atomics.store(this.flag, 0, 1);
      this.worker.postMessage({ type: 'interrupt' } satisfies ToWorker);
      const running = new Set(this.pending.keys());
      setTimeout(() => {
        if (![...running].some((id) => this.pending.has(id))) return;
        // No interrupt point was reached: end the worker and start a fresh one (its variables are lost).
        this.worker.terminate();
        for (const id of running) {
          const p = this.pending.get(id);
          this.pending.delete(id);
          this.stream({ name: 'stderr', text: 'The cell did not stop at an interrupt point: the kernel was restarted, and the variables of earlier cells are gone.\n' }, p?.parent);
          p?.resolve({ status: 'error', ename: 'Interrupted', evalue: 'the kernel was restarted to stop the cell', traceback: ['Interrupted: the kernel was restarted to stop the cell'] });
        }
        this.start();
      }, INTERRUPT_GRACE_MS);
    }

    async kernelInfoRequest() {
      await this.started.catch(() => undefined);
      return {
        implementation: 'vae-book-typescript',
        implementation_version: '0.1.0',
        // tslab's language_info, so a notebook saved here has the metadata JupyterLab writes.
        language_info: {
          name: 'typescript',
          version: '5.0.4',
          mimetype: 'text/typescript',
          file_extension: '.ts',
          codemirror_mode: { name: 'javascript', mode: 'typescript', typescript: true },
        },
        protocol_version: '5.3',
        status: 'ok' as const,
        banner: this.banner,
        help_links: [],
      };
    }

    async executeRequest(content: { code: string }) {
      try {
        await this.started;
      } catch (e) {
        const evalue = `the kernel could not start: ${(e as Error).message}`;
        this.publishExecuteError({ ename: 'KernelError', evalue, traceback: [evalue] }, this.parentHeader);
        return { status: 'error' as const, execution_count: this.executionCount, ename: 'KernelError', evalue, traceback: [evalue] };
      }
      if (this.flag) Atomics.store(this.flag, 0, 0);
      const id = ++this.nextId;
      const parent = this.parentHeader;
      const reply = await new Promise<Reply>((resolve) => {
        this.pending.set(id, { resolve, parent });
        this.worker.postMessage({ type: 'execute', id, code: content.code } satisfies ToWorker);
      });
      if (reply.status === 'error') {
        this.publishExecuteError({ ename: reply.ename, evalue: reply.evalue, traceback: reply.traceback }, parent);
        return { ...reply, execution_count: this.executionCount };
      }
      return { status: 'ok' as const, execution_count: this.executionCount, user_expressions: {}, payload: [] };
    }

    async completeRequest() {
      return { status: 'ok' as const, matches: [], cursor_start: 0, cursor_end: 0, metadata: {} };
    }
    async inspectRequest() {
      return { status: 'ok' as const, found: false, data: {}, metadata: {} };
    }
    async isCompleteRequest() {
      return { status: 'unknown' as const };
    }
    async commInfoRequest() {
      return { status: 'ok' as const, comms: {} };
    }
    inputReply(): void {}
    async commOpen(): Promise<void> {}
    async commMsg(): Promise<void> {}
    async commClose(): Promise<void> {}
  }

  const plugin = {
    id: '@vae-book/typescript-kernel:kernel',
    autoStart: true,
    requires: [IKernelSpecs],
    optional: [IKernelClient],
    activate: (_app: unknown, specs: KernelSpecs, client: KernelClient | null) => {
      specs.register({
        // Named as tslab's kernel, so the notebooks (kernelspec 'tslab') open with it and, downloaded, run in
        // JupyterLab and the grader unchanged.
        spec: {
          name: 'tslab',
          display_name: 'TypeScript',
          language: 'typescript',
          argv: [],
          resources: { 'logo-32x32': assets.logo, 'logo-64x64': assets.logo },
        },
        create: async (options: never) => new TypeScriptKernel(options),
      });
      if (client) {
        const original = client.interrupt.bind(client);
        client.interrupt = async (kernelId: string) => {
          kernels.get(kernelId)?.interrupt();
          return original(kernelId);
        };
      }
    },
  };
  return [plugin];
}
