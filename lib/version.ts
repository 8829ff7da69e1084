/**
 * Version strings: pgrst's own version and the PostgREST version whose behaviour it reproduces.
 * `--version` prints `pgrst 0.1.0 (PostgREST 16.1 compatible)`.
 */

export const PGRST_VERSION = "0.1.0";
export const POSTGREST_VERSION = "16.1";

/** `pgrst 0.1.0 (PostgREST 16.1 compatible)`: `--version`, the help header. */
export const VERSION_TEXT = `pgrst ${PGRST_VERSION} (PostgREST ${POSTGREST_VERSION} compatible)`;
