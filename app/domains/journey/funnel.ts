/**
 * The journey funnel from recorded stage flows. Pure.
 *
 * A customer can move more than one stage at once: history imported in one go, or two orders
 * seen by the same recompute, goes straight from nothing to RETENTION. A funnel says how many
 * reached each stage and how many of them went on, so a move skips no stage: it counts as
 * entering, and moving on from, every stage it passes through (a customer who reached RETENTION
 * did make a first purchase). Moves back (a lapse) enter the earlier stage and advance nothing.
 */
import { STAGES, type Stage } from "~/domains/journey/stages";

export type StageFlow = { fromStage: string | null; toStage: string; before: number; during: number };

export type FunnelStep = {
  stage: Stage;
  /** Customers in the stage now. */
  customers: number;
  /** In the stage at the start of the range (from recorded transitions). */
  atStart: number;
  /** Customers who entered (or passed through) the stage during the range. */
  entered: number;
  /** Customers who moved from this stage to a later one during the range. */
  advanced: number;
  /** advanced ÷ (atStart + entered), with both numbers; null for the last stage or nobody there. */
  conversion: { rate: number | null; advanced: number; base: number } | null;
};

export function funnelFromFlows(counts: ReadonlyMap<string, number>, flows: readonly StageFlow[]): FunnelStep[] {
  const index = (s: string | null) => (s ? STAGES.indexOf(s as Stage) : -1);
  const atStart = new Map<string, number>();
  const entered = new Map<string, number>();
  const advanced = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  for (const f of flows) {
    add(atStart, f.toStage, f.before);
    if (f.fromStage) add(atStart, f.fromStage, -f.before);
    add(entered, f.toStage, f.during);
    const from = index(f.fromStage);
    const to = index(f.toStage);
    if (to <= from) continue;
    if (f.fromStage) add(advanced, f.fromStage, f.during);
    for (let i = from + 1; i < to; i++) {
      add(entered, STAGES[i]!, f.during);
      add(advanced, STAGES[i]!, f.during);
    }
  }
  return STAGES.map((stage, i) => {
    const start = Math.max(0, atStart.get(stage) ?? 0);
    const base = start + (entered.get(stage) ?? 0);
    const moved = advanced.get(stage) ?? 0;
    return {
      stage,
      customers: counts.get(stage) ?? 0,
      atStart: start,
      entered: entered.get(stage) ?? 0,
      advanced: moved,
      conversion: i === STAGES.length - 1 ? null : { rate: base > 0 ? moved / base : null, advanced: moved, base },
    };
  });
}
