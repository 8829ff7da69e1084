/**
 * Schema catalog, stage 1 of 3 (continued): the catalog queries about functions — routines,
 * computed relationships, data representations and media-type handlers. See `queries.ts` for
 * the conventions (constant SQL, JSON parameters, empty `search_path`).
 */
import { empty, param, type Sql, sql } from "../query/sql.ts";
import { DOMAIN_BASE, schemaOids } from "./queries.ts";

/**
 * Callable functions of the exposed schemas. One row per function:
 * schema, name, comment, params (json array of `[name, type, type accepting any length,
 * required, variadic]`), return type schema, return type name, setof, composite,
 * composite alias (the return type is a domain), volatility (i/s/v), variadic,
 * `default_transaction_isolation` setting (lower case), hoisted settings (json array of
 * `[name, value]`): the `SET` clauses whose `name=value` text matches one of the
 * db-hoisted-tx-settings entries as a regular expression (`setting ~ ANY(…)`, as PostgREST).
 *
 * What is callable (RP-14): `prokind = 'f'` (no procedures, aggregates or window functions),
 * not returning `trigger`, and either every input parameter is named or there is exactly one
 * unnamed input of type bytea, json, jsonb, text or xml. A function with `TABLE`, `INOUT` or
 * `OUT` parameters returns a composite.
 *
 * Input parameters are the IN, INOUT and VARIADIC entries of `proallargtypes` (`proargtypes`
 * when all are IN), numbered in order; a parameter is required when no default covers it.
 *
 * `executableOnly`: only the functions the current role may execute (PostgREST's
 * `accessibleFuncs`, run per request for the OpenAPI document in `follow-privileges` mode).
 */
export function routinesQuery(
  schemas: readonly string[],
  hoistedSettings: readonly string[],
  options: { readonly executableOnly?: boolean } = {},
): Sql {
  return sql`
  with recursive
  ${DOMAIN_BASE},
  procs as (
    select p.*
    from pg_proc p
    where p.prokind = 'f' and p.pronamespace = any(${schemaOids(schemas)})
      ${options.executableOnly ? sql`and has_function_privilege(p.oid, 'execute')` : empty}
  ),
  inputs as (
    select p.oid, p.pronargs, p.pronargdefaults, i.name, i.type, i.mode, i.idx
    from procs p,
    lateral (
      select u.name, u.type, u.mode, row_number() over (order by u.ord) as idx
      from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargnames, p.proargmodes)
        with ordinality as u(type, name, mode, ord)
      where coalesce(u.mode, 'i') in ('i', 'b', 'v')
    ) as i
  ),
  args as (
    select
      oid,
      json_agg(json_build_array(
        coalesce(name, ''),
        type::regtype::text,
        case type
          when 'bit'::regtype then 'bit varying'
          when 'bit[]'::regtype then 'bit varying[]'
          when 'character'::regtype then 'character varying'
          when 'character[]'::regtype then 'character varying[]'
          else type::regtype::text
        end,
        idx <= pronargs - pronargdefaults,
        coalesce(mode = 'v', false)
      ) order by idx) as params,
      case count(*) - count(name)
        when 0 then true
        when 1 then (array_agg(type order by idx))[1] in (
          'bytea'::regtype, 'json'::regtype, 'jsonb'::regtype, 'text'::regtype, 'xml'::regtype
        )
        else false
      end as callable
    from inputs
    group by oid
  )
  select
    pn.nspname,
    p.proname,
    d.description,
    coalesce(a.params, '[]'::json),
    tn.nspname,
    coalesce(comp.relname, t.typname),
    p.proretset,
    t.typtype = 'c' or coalesce(p.proargmodes::text[] && '{t,b,o}', false),
    db.domain is not null,
    p.provolatile::text,
    p.provariadic <> 0,
    (
      select lower(split_part(split_part(s, '=', 2), ',', 1))
      from unnest(p.proconfig) as s
      where s like 'default_transaction_isolation%'
      limit 1
    ),
    coalesce((
      select json_agg(json_build_array(split_part(s, '=', 1), substr(s, strpos(s, '=') + 1)))
      from unnest(p.proconfig) as s
      where s ~ any(array(
        select json_array_elements_text(${param(JSON.stringify(hoistedSettings))}::json)
      ))
    ), '[]'::json)
  from procs p
  join pg_namespace pn on pn.oid = p.pronamespace
  left join args a on a.oid = p.oid
  left join domain_base db on db.domain = p.prorettype
  join pg_type t on t.oid = coalesce(db.base, p.prorettype)
  join pg_namespace tn on tn.oid = t.typnamespace
  left join pg_class comp on comp.oid = t.typrelid
  left join pg_description d on d.objoid = p.oid and d.classoid = 'pg_proc'::regclass
  where t.oid <> 'trigger'::regtype and coalesce(a.callable, true)
  order by pn.nspname, p.proname, p.oid`;
}

/**
 * Computed relationships (EM-22): functions of any schema taking exactly one argument of a
 * relation's row type and returning a relation's row type. One row per function:
 * function schema, name, table type schema, name, foreign table type schema, name, single row
 * (not SETOF, or `ROWS 1`).
 */
export const computedRelationshipsQuery: Sql = sql`
  with row_types as (
    select reltype from pg_class where relkind in ('r', 'v', 'm', 'f', 'p')
  )
  select
    fn.nspname,
    p.proname,
    an.nspname,
    at.typname,
    rn.nspname,
    rt.typname,
    not p.proretset or p.prorows = 1
  from pg_proc p
  join pg_namespace fn on fn.oid = p.pronamespace
  join pg_type at on at.oid = p.proargtypes[0]
  join pg_namespace an on an.oid = at.typnamespace
  join pg_type rt on rt.oid = p.prorettype
  join pg_namespace rn on rn.oid = rt.typnamespace
  where p.pronargs = 1
    and at.oid in (select reltype from row_types)
    and rt.oid in (select reltype from row_types)
  order by fn.nspname, p.proname, p.oid`;

/**
 * Data representations (VF-12, HF-23, WR-20): implicit function casts between a domain and
 * json or text, executable by the connecting role. One row per cast:
 * source type, target type, function schema, function name.
 */
export const representationsQuery: Sql = sql`
  select
    format_type(c.castsource, null),
    format_type(c.casttarget, null),
    fn.nspname,
    p.proname
  from pg_cast c
  join pg_type src on src.oid = c.castsource
  join pg_type dst on dst.oid = c.casttarget
  join pg_proc p on p.oid = c.castfunc
  join pg_namespace fn on fn.oid = p.pronamespace
  where c.castcontext = 'i'
    and c.castmethod = 'f'
    and has_function_privilege(c.castfunc, 'execute')
    and (
      (src.typtype = 'd' and c.casttarget in ('json'::regtype, 'text'::regtype))
      or (dst.typtype = 'd' and c.castsource in ('json'::regtype, 'text'::regtype))
    )
  order by 1, 2`;

/**
 * Media-type handlers (MT-13, MT-14): domains named like a media type (`"text/csv"`) or `"*\/*"`,
 * returned by aggregates of the exposed schemas over a relation's row type or `anyelement`, and
 * by non-SETOF functions of the exposed schemas. One row per handler:
 * aggregate?, function schema, name, target type schema, target type name (null for functions),
 * media type (the domain name in lower case), binary (the domain is based on bytea: its values
 * are bytes, which PostgreSQL's text output would render as `\x…`).
 */
export function mediaHandlersQuery(schemas: readonly string[]): Sql {
  return sql`
  with recursive
  ${DOMAIN_BASE},
  media_types as (
    select
      t.oid,
      lower(t.typname) as media_type,
      exists (select 1 from domain_chain dc where dc.domain = t.oid and dc.base = 'bytea'::regtype) as is_binary
    from pg_type t
    where t.typtype = 'd'
      and (t.typname ~* '^[A-Za-z0-9.-]+/[A-Za-z0-9.+-]+$' or t.typname = '*/*')
  ),
  row_types as (
    select reltype as oid from pg_class where relkind in ('r', 'v', 'm', 'f', 'p')
    union
    select 'anyelement'::regtype::oid
  )
  select true, pn.nspname, p.proname, an.nspname, at.typname, mt.media_type, mt.is_binary
  from pg_proc p
  join media_types mt on mt.oid = p.prorettype
  join pg_aggregate agg on agg.aggfnoid = p.oid
  join pg_namespace pn on pn.oid = p.pronamespace
  join pg_type at on at.oid = p.proargtypes[0]
  join pg_namespace an on an.oid = at.typnamespace
  where p.pronamespace = any(${schemaOids(schemas)})
    and p.pronargs = 1
    and at.oid in (select oid from row_types)
  union all
  select false, pn.nspname, p.proname, null, null, mt.media_type, mt.is_binary
  from pg_proc p
  join media_types mt on mt.oid = p.prorettype
  join pg_namespace pn on pn.oid = p.pronamespace
  where p.pronamespace = any(${schemaOids(schemas)})
    and not p.proretset
    and p.prokind = 'f'
  order by 1 desc, 2, 3, 4, 5, 6`;
}
