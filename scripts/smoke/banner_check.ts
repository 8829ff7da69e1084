/**
 * Runs one of the embedded demo banner's `curl` commands through the shell, exactly as printed
 * (only the host is pinned to 127.0.0.1), and checks the JSON it prints.
 */

type Check = (body: unknown) => string | null;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** What each of the three commands must answer (see lib/embedded/banner.ts). */
const CHECKS: Check[] = [
  // Books before 1970, oldest first, each with its author embedded.
  (body) => {
    if (!Array.isArray(body) || body.length === 0) return "expected a non-empty array";
    let last = -Infinity;
    for (const b of body) {
      if (!isRecord(b) || typeof b.title !== "string" || typeof b.year !== "number") {
        return "a book lacks title/year";
      }
      if (b.year >= 1970 || b.year < last) return `year ${b.year} out of order or range`;
      last = b.year;
      if (!isRecord(b.author) || typeof b.author.name !== "string") return "a book lacks author.name";
    }
    return null;
  },
  (body) =>
    JSON.stringify(body) === JSON.stringify([{ title: "If on a winter's night a traveler", year: 1979 }])
      ? null
      : "expected [{title: If on a winter's night a traveler, year: 1979}]",
  // The new review, written as the token's subject.
  (body) => {
    if (!Array.isArray(body) || body.length !== 1 || !isRecord(body[0])) return "expected one created row";
    const r = body[0];
    return r.book_id === 2 && r.stars === 5 && r.reviewer === "demo" ? null : "unexpected row";
  },
];

/** `null` when the command printed what it should, else what went wrong. */
export async function checkBannerCurl(index: number, command: string): Promise<string | null> {
  const out = await new Deno.Command("bash", {
    args: ["-c", `${command} --silent --show-error`],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) return `curl exited ${out.code}: ${new TextDecoder().decode(out.stderr).trim()}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 300)}`;
  }
  const check = CHECKS[index];
  if (check === undefined) return "the banner has more curl commands than this check knows";
  const problem = check(body);
  return problem === null ? null : `${problem}: ${text.slice(0, 400)}`;
}
