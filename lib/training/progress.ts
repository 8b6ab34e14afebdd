/**
 * A terminal progress bar for training epochs. On a TTY it redraws one line
 * with `\r`; anywhere else (CI logs, pipes, notebooks' captured stderr) it
 * stays quiet until `done` and then prints a single line per epoch, so logs
 * are not flooded with partial bars. `VAE_QUIET=1` silences it entirely (the
 * test runner sets it).
 */

/** The part of a Node stream the bar needs; a fake in tests. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressConfig {
  /** Steps in the whole run of the bar (e.g. batches per epoch). */
  total: number;
  /** Text before the bar, e.g. 'epoch 3/10'. */
  label: string;
  /** Where to draw; default process.stderr (stdout stays clean for --json output). */
  stream?: ProgressStream;
  /** Minimum milliseconds between TTY redraws (the last step always draws). */
  minIntervalMs?: number;
}

export interface ProgressBar {
  /** `n` more steps are complete; `info` is shown after the counter (e.g. 'loss 142.3'). */
  tick(n?: number, info?: string): void;
  /** Finish: replace the bar by `summary` (TTY) or print it as one line (otherwise). */
  done(summary?: string): void;
}

const BAR_WIDTH = 24;

export function createProgressBar(cfg: ProgressConfig): ProgressBar {
  if (!Number.isFinite(cfg.total) || cfg.total < 0) throw new Error(`createProgressBar: total must be ≥ 0, got ${cfg.total}`);
  const stream: ProgressStream = cfg.stream ?? process.stderr;
  const quiet = process.env.VAE_QUIET === '1';
  const tty = stream.isTTY === true;
  const minInterval = cfg.minIntervalMs ?? 100;
  const started = Date.now();
  let count = 0;
  let lastDraw = -Infinity;
  let lastInfo = '';
  let finished = false;

  const render = (): string => {
    const frac = cfg.total > 0 ? Math.min(1, count / cfg.total) : 1;
    const elapsed = (Date.now() - started) / 1000;
    const eta = count > 0 && frac < 1 ? (elapsed / count) * (cfg.total - count) : 0;
    const counter = `${count}/${cfg.total} ${elapsed.toFixed(1)}s` + (eta > 0 ? ` eta ${eta.toFixed(1)}s` : '');
    // On a narrow terminal the bar shrinks first and the info is cut, so the counter stays visible.
    const room = stream.columns ? stream.columns - 1 : Infinity;
    const width = Math.max(0, Math.min(BAR_WIDTH, room - (cfg.label.length + counter.length + 4)));
    const filled = Math.round(frac * width);
    const bar = width > 0 ? ` [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]` : '';
    const line = `${cfg.label}${bar} ${counter}` + (lastInfo ? ` ${lastInfo}` : '');
    return line.length > room ? line.slice(0, room) : line;
  };

  return {
    tick(n = 1, info?: string): void {
      if (finished) throw new Error(`progress bar '${cfg.label}': tick after done`);
      count += n;
      if (info !== undefined) lastInfo = info;
      if (quiet || !tty) return;
      const now = Date.now();
      if (now - lastDraw < minInterval && count < cfg.total) return;
      lastDraw = now;
      stream.write(`\r\x1b[2K${render()}`);
    },
    done(summary?: string): void {
      if (finished) return;
      finished = true;
      if (quiet) return;
      const text = summary ?? `${cfg.label}: ${count}/${cfg.total} in ${((Date.now() - started) / 1000).toFixed(1)}s`;
      stream.write(tty ? `\r\x1b[2K${text}\n` : `${text}\n`);
    },
  };
}
