import assert from "node:assert/strict";
import { isMalformedProxyUri, isUri } from "../../../lib/config/uri.ts";

Deno.test("isUri() accepts RFC 3986 URIs and rejects bad percent-encoding and spaces", () => {
  for (
    const u of ["https://postgrest.org", "urn:example:animal", "http://[::1]:80/a?b#c", "mailto:a@b.c", "a:"]
  ) {
    assert.equal(isUri(u), true, u);
  }
  for (
    const u of ["http://%%localhorst.invalid", "no colon", "1http://x", "http://a b", "://x", "http://é.com"]
  ) {
    assert.equal(isUri(u), false, u);
  }
});

Deno.test("isMalformedProxyUri() accepts absolute http(s) URIs with a host", () => {
  for (
    const u of [
      "https://example.com:8443/basePath",
      "http://postgrest.com/openapi.json",
      "HTTPS://x.org",
      "http://[::1]",
    ]
  ) {
    assert.equal(isMalformedProxyUri(u), false, u);
  }
});

Deno.test("isMalformedProxyUri() rejects other schemes, user info, queries, fragments and bad ports", () => {
  for (
    const u of [
      "htp:/@@localhorst.invalid",
      "ftp://example.com",
      "https://user@example.com",
      "https://@example.com",
      "https://example.com?x=1",
      "https://example.com/?",
      "https://example.com#frag",
      "https://example.com:0",
      "https://example.com:65536",
      "https://example.com:",
      "https:///path",
      "example.com",
    ]
  ) {
    assert.equal(isMalformedProxyUri(u), true, u);
  }
  assert.equal(isMalformedProxyUri("https://example.com:65535"), false);
});
