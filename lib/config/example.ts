/**
 * `--example` (CF-11): a commented example config file. It follows PostgREST's `--example` text,
 * adds the options PostgREST's example leaves out, and shows `jwt-role-claim-key` in the current
 * JSONPath syntax (`$$.role`: `$` is doubled in the file format) instead of PostgREST's deprecated
 * `.role`. Every value shown, commented out or not, is the default, so the file as printed reads
 * back to the default configuration.
 */

export const EXAMPLE_CONFIG =
  `## Admin server used for checks. It's disabled by default unless a port is specified.
# admin-server-port = 3001

## Host of the admin server; defaults to the value of server-host
# admin-server-host = "!4"

## Admin server on a unix socket; if specified it takes precedence over admin-server-port
# admin-server-unix-socket = "/tmp/pgrst_admin.sock"
# admin-server-unix-socket-mode = "660"

## Arbitrary settings, available in SQL with current_setting('app.settings.jwt_exp')
# app.settings.jwt_exp = "3600"

# PostgREST error json verbosity config
# client-error-verbosity = "verbose"

## Allow aggregate functions (count(), sum(), avg(), min(), max()) in select
# db-aggregates-enabled = false

## The database role to use when no client authentication is provided
# db-anon-role = "anon"

## Notification channel for reloading the schema cache
db-channel = "pgrst"

## Enable or disable the notification channel
db-channel-enabled = true

## Enable in-database configuration
db-config = true

## Function for in-database configuration
## db-pre-config = "postgrest.pre_config"

## Extra schemas to add to the search_path of every request
db-extra-search-path = "public"

## Function settings that are applied to the whole transaction
# db-hoisted-tx-settings = "statement_timeout,plan_filter.statement_cost_limit,default_transaction_isolation"

## Limit rows in response
# db-max-rows = 1000

## Allow getting the EXPLAIN plan through the \`Accept: application/vnd.pgrst.plan\` header
# db-plan-enabled = false

## Number of open connections in the pool
db-pool = 10

## Time in seconds to wait to acquire a slot from the connection pool
# db-pool-acquisition-timeout = 10

## Time in seconds after which to recycle pool connections
# db-pool-max-lifetime = 1800

## Time in seconds after which to recycle unused pool connections
# db-pool-max-idletime = 30

## Allow automatic database connection retrying
# db-pool-automatic-recovery = true

## Stored proc to exec immediately after auth
# db-pre-request = "stored_proc_name"

## Enable or disable prepared statements. disabling is only necessary when behind a connection pooler.
## When disabled, statements will be parametrized but won't be prepared.
db-prepared-statements = true

## Function whose output replaces the OpenAPI output of the root path
# db-root-spec = "root"

## The name of which database schema to expose to REST clients
db-schemas = "public"

## How to terminate database transactions
## Possible values are:
## commit (default)
##   Transaction is always committed, this can not be overridden
## commit-allow-override
##   Transaction is committed, but can be overridden with Prefer tx=rollback header
## rollback
##   Transaction is always rolled back, this can not be overridden
## rollback-allow-override
##   Transaction is rolled back, but can be overridden with Prefer tx=commit header
db-tx-end = "commit"

## The standard connection URI format, documented at
## https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING
db-uri = "postgresql://"

# jwt-aud = "your_audience_claim"

## JSONPath to the role claim key ($ is written $$ in this file)
jwt-role-claim-key = "$$.role"

## Choose a secret, JSON Web Key (or set) to enable JWT auth
## (use "@filename" to load from separate file)
# jwt-secret = "secret_with_at_least_32_characters"
jwt-secret-is-base64 = false

## Enables JWT Cache and sets its max size, disables caching with 0
# jwt-cache-max-entries = 1000

## Logging level, the admitted values are: crit, error, warn, info and debug.
log-level = "error"

## Log the SQL query at the current log-level.
log-query = false

## Determine if the OpenAPI output should follow or ignore role privileges or be disabled entirely.
## Admitted values: follow-privileges, ignore-privileges, disabled
openapi-mode = "follow-privileges"

## Include security definitions in the OpenAPI output
# openapi-security-active = false

## Base url for the OpenAPI output
openapi-server-proxy-uri = ""

## Configurable CORS origins
# server-cors-allowed-origins = ""

server-host = "!4"
server-port = 3000
server-reuseport = false

## Allow getting the request-response timing information through the \`Server-Timing\` header
server-timing-enabled = false

## Request header echoed in the response (e.g. a request id)
# server-trace-header = "X-Request-Id"

## Unix socket location
## if specified it takes precedence over server-port
# server-unix-socket = "/tmp/pgrst.sock"

## Unix socket file mode
## When none is provided, 660 is applied by default
# server-unix-socket-mode = "660"

## Use legacy target names in relationship filters
## If active, allows using the target name of the relationship in filters even if it has an alias.
## Otherwise it only allows the alias in filters
url-use-legacy-target-names = true
`;
