import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  channelToEnergy,
  deviationOffset,
  energyToChannel,
  type EnergyCalibration,
} from "../../src/radiation/model.ts";
import { compressCountedZeros, expandCountedZeros, parseDurationS } from "../../src/radiation/io/n42-values.ts";

const close = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe("energy calibration", () => {
  it("evaluates polynomial, full-range-fraction and lower-edge calibrations", () => {
    close(channelToEnergy({ kind: "polynomial", coefficients: [1, 2, 0.5] }, 10, 100), 1 + 20 + 50);
    const frf: EnergyCalibration = { kind: "fullRangeFraction", coefficients: [0, 3200] };
    close(channelToEnergy(frf, 128, 256), 1600);
    close(channelToEnergy({ kind: "fullRangeFraction", coefficients: [0, 3000, 0, 0, 60] }, 0, 1024), 60);
    const edges: EnergyCalibration = { kind: "lowerChannelEdge", coefficients: [], channelEdges: [0, 2, 5, 9] };
    close(channelToEnergy(edges, 1.5, 3), 3.5);
    close(channelToEnergy(edges, 3, 3), 9);
  });

  it("applies deviation pairs by linear interpolation, clamped at the ends", () => {
    const pairs: [number, number][] = [
      [60, 0],
      [662, 6],
      [1332, 2],
    ];
    close(deviationOffset(pairs, 361), 3);
    close(deviationOffset(pairs, 10), 0);
    close(deviationOffset(pairs, 3000), 2);
    const cal: EnergyCalibration = { kind: "polynomial", coefficients: [0, 1], deviationPairs: pairs };
    close(channelToEnergy(cal, 662, 4096), 668);
  });

  it("inverts every calibration numerically", () => {
    const cals: EnergyCalibration[] = [
      {
        kind: "polynomial",
        coefficients: [-0.21, 2.974609],
        deviationPairs: [
          [32, -1],
          [661, 5],
          [2614, 0],
        ],
      },
      { kind: "fullRangeFraction", coefficients: [-0.32, 8008.95] },
      { kind: "polynomial", coefficients: [-39.7, 3.0, -1.0e-4, 1.5e-7] },
    ];
    for (const cal of cals) {
      for (const ch of [0, 17.25, 500, 1023.5]) {
        close(energyToChannel(cal, channelToEnergy(cal, ch, 1024), 1024), ch, 1e-6);
      }
    }
    close(energyToChannel({ kind: "polynomial", coefficients: [0, 3] }, 3 * 1500, 1024), 1500);
    assert.ok(Number.isNaN(energyToChannel({ kind: "polynomial", coefficients: [5, 0] }, 100, 1024)));
  });
});

describe("N42 value helpers", () => {
  it("expands and compresses CountedZeroes symmetrically", () => {
    // "0 3" = three zeros; a 0 followed by 0 is literal, the next "0 2" is a run; a trailing 0 is literal.
    assert.deepEqual(expandCountedZeros([0, 3, 5, 0, 0, 2, 7, 0]), [0, 0, 0, 5, 0, 0, 0, 7, 0]);
    const counts = [0, 0, 0, 4, 1, 0, 9, 0, 0];
    assert.deepEqual(compressCountedZeros(counts), [0, 3, 4, 1, 0, 1, 9, 0, 2]);
    assert.deepEqual(expandCountedZeros(compressCountedZeros(counts)), counts);
  });

  it("parses xs:duration forms", () => {
    assert.equal(parseDurationS("PT300.865173S"), 300.865173);
    assert.equal(parseDurationS("PT1H2M3.5S"), 3723.5);
    assert.equal(parseDurationS("P1DT1S"), 86401);
    assert.equal(parseDurationS("12.5"), 12.5);
    assert.ok(Number.isNaN(parseDurationS("soon")));
  });
});
