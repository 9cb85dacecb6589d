import type { Disposition, ScanType } from "../../src/domain/vocabulary.ts";
import type { ScanOutcome } from "../../src/domain/scans.ts";

/** One result an officer can record for a scan type, and the outcome the API stores for it. */
export interface ScanFinding {
  value: string;
  label: string;
  outcome: ScanOutcome;
}

/**
 * The results that fit each kind of scan: a portal reports alarms, a handheld identifier the
 * category of what it identified, an imager the kind of anomaly, a physical exam its findings.
 */
export const SCAN_FINDINGS: Record<ScanType, readonly ScanFinding[]> = {
  radiation_portal: [
    { value: "no_alarm", label: "No alarm", outcome: "no_alarm" },
    { value: "gamma_alarm", label: "Gamma alarm", outcome: "alarm" },
    { value: "neutron_alarm", label: "Neutron alarm", outcome: "alarm" },
    { value: "gamma_neutron_alarm", label: "Gamma and neutron alarm", outcome: "alarm" },
    { value: "portal_inconclusive", label: "Occupancy incomplete (inconclusive)", outcome: "inconclusive" },
  ],
  isotope_id: [
    { value: "nothing_identified", label: "Nothing above background", outcome: "no_alarm" },
    { value: "norm", label: "Natural radioactivity (NORM)", outcome: "alarm" },
    { value: "medical", label: "Medical isotope", outcome: "alarm" },
    { value: "industrial", label: "Industrial source", outcome: "alarm" },
    { value: "snm", label: "Special nuclear material", outcome: "alarm" },
    { value: "unidentified", label: "Unidentified (inconclusive)", outcome: "inconclusive" },
  ],
  xray_image: [
    { value: "image_clear", label: "No anomaly", outcome: "no_anomaly" },
    { value: "density_anomaly", label: "Density anomaly", outcome: "anomaly" },
    { value: "concealment", label: "Concealment or false wall", outcome: "anomaly" },
    { value: "goods_mismatch", label: "Image inconsistent with the manifest", outcome: "anomaly" },
    { value: "image_unreadable", label: "Image unreadable (inconclusive)", outcome: "inconclusive" },
  ],
  physical_exam: [
    { value: "goods_match", label: "Goods match the manifest", outcome: "no_anomaly" },
    { value: "goods_differ", label: "Goods differ from the manifest", outcome: "anomaly" },
    { value: "contraband", label: "Contraband or concealment found", outcome: "anomaly" },
    { value: "exam_incomplete", label: "Exam incomplete (inconclusive)", outcome: "inconclusive" },
  ],
};

/** What each disposition means for the container, said before it is chosen. */
export const DISPOSITION_CONSEQUENCES: Record<Disposition, string> = {
  cleared: "The container is released for loading, and the result is shared with the requesting agency. This cannot be undone.",
  hold: "The container must not be loaded until a host supervisor lifts the hold with a reason.",
  do_not_load: "The container is kept off this sailing for good; the requesting agency is told.",
  referred: "The case goes to another authority for action; the requesting agency is told it was referred.",
};
