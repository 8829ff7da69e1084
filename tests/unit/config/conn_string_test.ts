import assert from "node:assert/strict";
import {
  addFallbackAppName,
  addTargetSessionAttrs,
  connStringKind,
} from "../../../lib/config/conn_string.ts";

const ver = "11.1.0 (5a04ec7)";
const app = `PostgREST ${ver}`;

Deno.test("connStringKind() tells URIs from key/value strings like libpq", () => {
  assert.equal(connStringKind("postgresql://"), "uri");
  assert.equal(connStringKind("postgres://u@h/db"), "uri");
  assert.equal(connStringKind("host=localhost dbname=app"), "keyValue");
  assert.equal(connStringKind("tmp_db"), null);
});

Deno.test("addFallbackAppName() appends a query parameter to URIs", () => {
  assert.equal(
    addFallbackAppName("postgres://user:pass@host:5432/postgres", app),
    "postgres://user:pass@host:5432/postgres?fallback_application_name=PostgREST%2011.1.0%20%285a04ec7%29",
  );
  assert.equal(
    addFallbackAppName("postgres://user:pass@host:5432/postgres?", app),
    "postgres://user:pass@host:5432/postgres?fallback_application_name=PostgREST%2011.1.0%20%285a04ec7%29",
  );
  assert.equal(
    addFallbackAppName("postgres:///postgres?host=server&port=5432", app),
    "postgres:///postgres?host=server&port=5432&fallback_application_name=PostgREST%2011.1.0%20%285a04ec7%29",
  );
  assert.equal(
    addFallbackAppName("postgresql://", app),
    "postgresql://?fallback_application_name=PostgREST%2011.1.0%20%285a04ec7%29",
  );
});

Deno.test("addFallbackAppName() escapes every reserved character and ignores ? in passwords", () => {
  assert.equal(
    addFallbackAppName(
      "postgres:///postgres?host=server&port=5432",
      "PostgREST 11'1&0@#$%,.:\"[]{}?+^()=asdfqwer",
    ),
    "postgres:///postgres?host=server&port=5432&fallback_application_name=" +
      "PostgREST%2011%271%260%40%23%24%25%2C.%3A%22%5B%5D%7B%7D%3F%2B%5E%28%29%3Dasdfqwer",
  );
  assert.equal(
    addFallbackAppName("postgres://admin2:?pass?special?@localhost:5432/postgres", app),
    "postgres://admin2:?pass?special?@localhost:5432/postgres?fallback_application_name=PostgREST%2011.1.0%20%285a04ec7%29",
  );
});

Deno.test("addFallbackAppName() appends a quoted pair to key/value strings, and leaves others alone", () => {
  assert.equal(
    addFallbackAppName("host=localhost port=5432 dbname=postgres", app),
    "host=localhost port=5432 dbname=postgres fallback_application_name='PostgREST 11.1.0 (5a04ec7)'",
  );
  assert.equal(
    addFallbackAppName("host=localhost", "PostgREST 11'1"),
    "host=localhost fallback_application_name='PostgREST 11\\'1'",
  );
  assert.equal(addFallbackAppName("tmp_db", app), "tmp_db");
});

Deno.test("addTargetSessionAttrs() asks for a read-write session, even when one is set", () => {
  assert.equal(
    addTargetSessionAttrs("postgresql://host1:123,host2:456/somedb"),
    "postgresql://host1:123,host2:456/somedb?target_session_attrs=read-write",
  );
  assert.equal(
    addTargetSessionAttrs("postgresql://host1:123,host2:456/somedb?target_session_attrs=read-only"),
    "postgresql://host1:123,host2:456/somedb?target_session_attrs=read-only&target_session_attrs=read-write",
  );
  assert.equal(
    addTargetSessionAttrs("host=localhost port=5432 dbname=postgres"),
    "host=localhost port=5432 dbname=postgres target_session_attrs='read-write'",
  );
});
