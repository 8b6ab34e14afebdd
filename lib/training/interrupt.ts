/**
 * Where a long computation may be stopped: the training loops call `interruptPoint()` once per step, and a host
 * that can interrupt (the JupyterLite kernel, lite/kernel/) registers a check that throws when the reader asked
 * to stop. With nothing registered (Node: tslab interrupts with a signal) it does nothing.
 */
let check: () => void = () => {};

/** Registers the check run at every interrupt point (it throws to stop the computation). */
export function setInterruptCheck(fn: () => void): void {
  check = fn;
}

/** Throws if the host asked to stop. */
export function interruptPoint(): void {
  check();
}
