/**
 * A small read-only table for narrow cards. Polaris's DataTable turns into a horizontally
 * scrolling region there, which keyboard users cannot reach (axe: scrollable-region-focusable);
 * these few-column tables wrap instead.
 */
import type { ReactNode } from "react";

// 4 px sides: in French the RFM card's words and amounts (non-breaking spaces) need 306 px at 8 px,
// 279 px at 4 px, the width of a secondary column; wider, the card clipped the last column.
const cell = { padding: "6px 4px", borderBottom: "1px solid var(--p-color-border-secondary)", verticalAlign: "top" } as const;

export function SimpleTable({ headings, rows, numeric = [] }: { headings: string[]; rows: ReactNode[][]; numeric?: number[] }) {
  const align = (i: number) => (numeric.includes(i) ? "end" : "start");
  return (
    <table style={{ width: "100%", borderCollapse: "collapse", fontSize: "var(--p-font-size-325)" }}>
      <thead>
        <tr>
          {headings.map((h, i) => (
            <th key={h} scope="col" style={{ ...cell, textAlign: align(i), fontWeight: 600 }}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, r) => (
          <tr key={r}>
            {row.map((value, i) => (
              <td key={i} style={{ ...cell, textAlign: align(i) }}>
                {value}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
