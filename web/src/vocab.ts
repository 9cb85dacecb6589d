import type { Disposition, ScanOutcome, ScanType } from "../../src/domain/vocabulary.ts";

/** One result an officer can record for a scan type, and the outcome the API stores for it; its words are the catalogue's `finding.<value>`. */
export interface ScanFinding {
  value: string;
  outcome: ScanOutcome;
}

/**
 * The results that fit each kind of scan: a portal reports alarms, a handheld identifier the
 * category of what it identified, an imager the kind of anomaly, a physical exam its findings.
 */
export const SCAN_FINDINGS: Record<ScanType, readonly ScanFinding[]> = {
  radiation_portal: [
    { value: "no_alarm", outcome: "no_alarm" },
    { value: "gamma_alarm", outcome: "alarm" },
    { value: "neutron_alarm", outcome: "alarm" },
    { value: "gamma_neutron_alarm", outcome: "alarm" },
    { value: "portal_inconclusive", outcome: "inconclusive" },
  ],
  isotope_id: [
    { value: "nothing_identified", outcome: "no_alarm" },
    { value: "norm", outcome: "alarm" },
    { value: "medical", outcome: "alarm" },
    { value: "industrial", outcome: "alarm" },
    { value: "snm", outcome: "alarm" },
    { value: "unidentified", outcome: "inconclusive" },
  ],
  xray_image: [
    { value: "image_clear", outcome: "no_anomaly" },
    { value: "density_anomaly", outcome: "anomaly" },
    { value: "concealment", outcome: "anomaly" },
    { value: "goods_mismatch", outcome: "anomaly" },
    { value: "image_unreadable", outcome: "inconclusive" },
  ],
  physical_exam: [
    { value: "goods_match", outcome: "no_anomaly" },
    { value: "goods_differ", outcome: "anomaly" },
    { value: "contraband", outcome: "anomaly" },
    { value: "exam_incomplete", outcome: "inconclusive" },
  ],
};

/** The catalogue key of what each disposition means for the container, said before it is chosen. */
export const DISPOSITION_CONSEQUENCES = {
  cleared: "consequence.cleared",
  hold: "consequence.hold",
  do_not_load: "consequence.do_not_load",
  referred: "consequence.referred",
} as const satisfies Record<Disposition, string>;
