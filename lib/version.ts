/** pgrst's version, and the PostgREST version whose behaviour it reproduces. */
export const PGRST_VERSION = "0.1.0";
export const POSTGREST_VERSION = "16.1";
