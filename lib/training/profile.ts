/**
 * Run profiles. `full` is what a learner gets in JupyterLab and what the book shows; `quick` (few digits,
 * one or two epochs) keeps the notebook tests, quick book builds and class grading short. The notebooks
 * read it from the environment variable VAE_PROFILE, which the book build and the grader set for the
 * kernels they start; their `--profile` flags are validated by the same `parseProfile`.
 */

export const PROFILES = ['quick', 'full'] as const;

export type Profile = (typeof PROFILES)[number];

/** `value` as a Profile, or an error naming where it came from (`source`, e.g. '--profile' or 'VAE_PROFILE'). */
export function parseProfile(value: string | undefined, source: string): Profile {
  const v = (value ?? '').trim();
  if (!(PROFILES as readonly string[]).includes(v)) {
    throw new Error(`profile: unknown ${source} '${value ?? ''}'; expected ${PROFILES.map((p) => `'${p}'`).join(' or ')}`);
  }
  return v as Profile;
}

/** The active profile: env VAE_PROFILE ('quick' | 'full'), 'full' when unset or empty (and in a page with no `process`). */
export function profile(): Profile {
  const env = typeof process === 'undefined' ? undefined : process.env;
  const value = (env?.VAE_PROFILE ?? '').trim();
  return value === '' ? 'full' : parseProfile(value, 'VAE_PROFILE');
}

/** The value for the active profile, e.g. `pick({ quick: 1, full: 10 })` epochs. */
export function pick<T>(choices: { quick: T; full: T }): T {
  return choices[profile()];
}
