/**
 * Run profiles for the notebooks. `full` is what a learner gets in JupyterLab and what the book shows;
 * `quick` (few digits, one or two epochs) keeps the notebook tests and quick book builds short.
 * Chosen by the environment variable VAE_PROFILE, which the executor passes with `--env VAE_PROFILE=quick`.
 */

export type Profile = 'quick' | 'full';

const PROFILES: readonly string[] = ['quick', 'full'];

/** The active profile: env VAE_PROFILE ('quick' | 'full'), 'full' when unset or empty. */
export function profile(): Profile {
  const value = (process.env.VAE_PROFILE ?? '').trim();
  if (value === '') return 'full';
  if (!PROFILES.includes(value)) {
    throw new Error(`profile: unknown VAE_PROFILE '${value}'; expected 'quick' or 'full'`);
  }
  return value as Profile;
}

/** The value for the active profile, e.g. `pick({ quick: 1, full: 10 })` epochs. */
export function pick<T>(choices: { quick: T; full: T }): T {
  return choices[profile()];
}
