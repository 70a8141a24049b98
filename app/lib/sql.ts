/**
 * Parameterized SQL fragments that pure modules can build and tests can read without a database:
 * `sql` interpolates values as bind parameters ($1, $2...), never as text; nested fragments are
 * spliced in; `raw` is only for identifiers and keywords chosen from a whitelist in code.
 * Repos run a fragment with `db().$queryRawUnsafe(...render(fragment))`.
 */
export class Sql {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}
}

export function sql(strings: TemplateStringsArray | readonly string[], ...values: unknown[]): Sql {
  const outStrings: string[] = [strings[0] ?? ""];
  const outValues: unknown[] = [];
  values.forEach((value, i) => {
    const next = strings[i + 1] ?? "";
    if (value instanceof Sql) {
      outStrings[outStrings.length - 1] += value.strings[0] ?? "";
      value.values.forEach((v, j) => {
        outValues.push(v);
        outStrings.push(value.strings[j + 1] ?? "");
      });
      outStrings[outStrings.length - 1] += next;
    } else {
      outValues.push(value);
      outStrings.push(next);
    }
  });
  return new Sql(outStrings, outValues);
}

/** Trusted text (identifiers, operators picked from a whitelist); never user input. */
export function raw(text: string): Sql {
  return new Sql([text], []);
}

export const empty = raw("");

export function join(parts: Sql[], separator: string): Sql {
  if (parts.length === 0) return empty;
  const strings = [""];
  parts.forEach((_, i) => strings.push(i < parts.length - 1 ? separator : ""));
  return sql(strings, ...parts);
}

/** Text with $n placeholders and the values in order, for $queryRawUnsafe / pg. */
export function render(fragment: Sql): [string, ...unknown[]] {
  let text = fragment.strings[0] ?? "";
  fragment.values.forEach((_, i) => {
    text += `$${i + 1}${fragment.strings[i + 1] ?? ""}`;
  });
  return [text, ...fragment.values];
}

/**
 * An instant as Prisma stores DateTime columns: `timestamp(3)` WITHOUT time zone, holding UTC.
 * Compare and insert through this, never `::timestamptz` against those columns: the implicit
 * cast would use the session's TimeZone setting.
 */
export function utc(instant: Date): Sql {
  // Sent as UTC wall-clock text typed `timestamp`: the parameter arrives as a constant of the
  // column's type (a `timestamptz AT TIME ZONE` expression would be re-evaluated on every row).
  return sql`${instant.toISOString().replace("T", " ").replace("Z", "")}::timestamp`;
}

/** The calendar date, in an IANA zone, of a stored (UTC, no time zone) timestamp expression. */
export function localDateOf(column: Sql, timeZone: string): Sql {
  return sql`(((${column}) AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone}::text)::date`;
}
