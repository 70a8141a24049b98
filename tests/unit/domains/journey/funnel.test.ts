import { describe, expect, it } from "vitest";
import { funnelFromFlows, type StageFlow } from "~/domains/journey/funnel";

const step = (funnel: ReturnType<typeof funnelFromFlows>, stage: string) => funnel.find((s) => s.stage === stage)!;

describe("funnelFromFlows", () => {
  it("counts one-stage moves as entering the next stage and moving on from the previous", () => {
    const flows: StageFlow[] = [
      { fromStage: null, toStage: "PURCHASE", before: 4, during: 0 },
      { fromStage: "PURCHASE", toStage: "RETENTION", before: 0, during: 1 },
    ];
    const funnel = funnelFromFlows(new Map([["PURCHASE", 3], ["RETENTION", 1]]), flows);
    expect(step(funnel, "PURCHASE")).toMatchObject({ customers: 3, atStart: 4, entered: 0, advanced: 1, conversion: { advanced: 1, base: 4, rate: 0.25 } });
    expect(step(funnel, "RETENTION")).toMatchObject({ atStart: 0, entered: 1, advanced: 0, conversion: { advanced: 0, base: 1, rate: 0 } });
  });

  it("counts a move that skips stages as passing through each of them (history imported at once)", () => {
    // Two customers first seen with two orders: straight to RETENTION during the range.
    const funnel = funnelFromFlows(new Map([["RETENTION", 2]]), [{ fromStage: null, toStage: "RETENTION", before: 0, during: 2 }]);
    for (const stage of ["AWARENESS", "CONSIDERATION", "PURCHASE"]) {
      expect(step(funnel, stage)).toMatchObject({ atStart: 0, entered: 2, advanced: 2, conversion: { rate: 1, advanced: 2, base: 2 } });
    }
    expect(step(funnel, "RETENTION")).toMatchObject({ entered: 2, advanced: 0 });
    expect(step(funnel, "ADVOCACY")).toMatchObject({ entered: 0, conversion: null });
  });

  it("enters the earlier stage on a lapse without counting anyone as moving on, and never goes below zero at the start", () => {
    const flows: StageFlow[] = [
      { fromStage: null, toStage: "RETENTION", before: 1, during: 0 },
      { fromStage: "RETENTION", toStage: "PURCHASE", before: 0, during: 1 },
      { fromStage: "CONSIDERATION", toStage: "AWARENESS", before: 3, during: 0 },
    ];
    const funnel = funnelFromFlows(new Map(), flows);
    expect(step(funnel, "PURCHASE")).toMatchObject({ atStart: 0, entered: 1, advanced: 0 });
    expect(step(funnel, "RETENTION")).toMatchObject({ atStart: 1, entered: 0, advanced: 0 });
    expect(step(funnel, "CONSIDERATION")).toMatchObject({ atStart: 0 });
    expect(step(funnel, "AWARENESS")).toMatchObject({ atStart: 3 });
  });
});
