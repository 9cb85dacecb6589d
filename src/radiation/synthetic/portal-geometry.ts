/**
 * Portal lane geometry for the synthetic generator. Axes: x along the lane (direction of travel, panels at x = 0),
 * y across (side A at +y, side B at −y), z up; metres. Four PVT panels (A/B × lower a / upper b) and one He-3 tube
 * behind each panel. The container box rides on a chassis: x ∈ [front − length, front], |y| ≤ 1.22, z ∈ [1.5, 4.1].
 */
import { massAttenuation } from "./attenuation.ts";

/** A 3-D point (m). */
export interface Point3 {
  x: number;
  y: number;
  z: number;
}

/** One gamma panel: side, vertical extent (m) and DNDO-style name. */
export interface PanelGeometry {
  name: string;
  side: "A" | "B";
  z0: number;
  z1: number;
}

/** Panel names/positions: Aa1 (A lower), Ab1 (A upper), Ba1, Bb1. */
export const PANELS: readonly PanelGeometry[] = [
  { name: "Aa1", side: "A", z0: 0.3, z1: 2.0 },
  { name: "Ab1", side: "A", z0: 2.0, z1: 3.7 },
  { name: "Ba1", side: "B", z0: 0.3, z1: 2.0 },
  { name: "Bb1", side: "B", z0: 2.0, z1: 3.7 },
];

/** Panel width along the lane (m) and PVT thickness (cm, density 1.03 g/cm³). */
export const PANEL_WIDTH_M = 0.5;
export const PVT_THICKNESS_CM = 5;
const PVT_DENSITY = 1.03;

/** Container cross-section (m). */
export const BOX = { halfWidth: 1.22, z0: 1.5, z1: 4.1 };

/** Sub-elements per panel for the solid-angle integration (along x, along z): fine for point sources, coarse for voxels. */
const FINE = { x: 2, z: 4 };
const COARSE = { x: 1, z: 2 };

/** A direction-weighted view element: solid-angle fraction Ω/4π and the ray cosine to the panel normal. */
export interface ViewElement {
  fraction: number;
  cos: number;
  /** Unit direction from the source point to the element. */
  dir: Point3;
  distance: number;
}

/** View elements of a panel from a point (panel plane y = ±laneHalfWidth). */
export function panelView(p: Point3, panel: PanelGeometry, laneHalfWidthM: number, coarse = false): ViewElement[] {
  const sub = coarse ? COARSE : FINE;
  const yPanel = panel.side === "A" ? laneHalfWidthM : -laneHalfWidthM;
  const dy = yPanel - p.y;
  const dA = (PANEL_WIDTH_M / sub.x) * ((panel.z1 - panel.z0) / sub.z);
  const out: ViewElement[] = [];
  for (let i = 0; i < sub.x; i++) {
    for (let j = 0; j < sub.z; j++) {
      const dx = -PANEL_WIDTH_M / 2 + (i + 0.5) * (PANEL_WIDTH_M / sub.x) - p.x;
      const dz = panel.z0 + (j + 0.5) * ((panel.z1 - panel.z0) / sub.z) - p.z;
      const r2 = dx * dx + dy * dy + dz * dz;
      const r = Math.sqrt(r2);
      const cos = Math.abs(dy) / r;
      out.push({
        fraction: (dA * cos) / (4 * Math.PI * r2),
        cos,
        dir: { x: dx / r, y: dy / r, z: dz / r },
        distance: r,
      });
    }
  }
  return out;
}

/** Distance (m) from a point inside the container box along `dir` to the box surface (0 if outside). */
export function exitDistance(p: Point3, dir: Point3, frontX: number, lengthM: number): number {
  const lo = [frontX - lengthM, -BOX.halfWidth, BOX.z0];
  const hi = [frontX, BOX.halfWidth, BOX.z1];
  const pos = [p.x, p.y, p.z];
  const d = [dir.x, dir.y, dir.z];
  let t = Infinity;
  for (let a = 0; a < 3; a++) {
    if (pos[a]! < lo[a]! || pos[a]! > hi[a]!) {
      return 0;
    }
    if (d[a]! > 1e-12) {
      t = Math.min(t, (hi[a]! - pos[a]!) / d[a]!);
    } else if (d[a]! < -1e-12) {
      t = Math.min(t, (lo[a]! - pos[a]!) / d[a]!);
    }
  }
  return Number.isFinite(t) ? t : 0;
}

/** Linear attenuation × thickness of the PVT (optical depth at normal incidence) at energy e. */
export function pvtDepth(e: number): number {
  return massAttenuation("pvt", e) * PVT_DENSITY * PVT_THICKNESS_CM;
}

/** Probability that a photon entering the PVT at cosine `cos` interacts, given its optical depth pvtDepth(e). */
export function pvtInteraction(depth: number, cos: number): number {
  return -Math.expm1(-depth / Math.max(cos, 0.2));
}

/**
 * Fraction of a line's PVT interactions depositing energy in each window: PVT has no photopeak, so the deposit is
 * taken as flat from 0 to the Compton edge E_c = E·2E/(m_ec² + 2E).
 */
export function pvtWindowFractions(e: number, windows: readonly [number, number][]): number[] {
  const edge = (e * (2 * e)) / (511 + 2 * e);
  return windows.map(([lo, hi]) => Math.max(0, Math.min(hi, edge) - lo) / edge);
}
