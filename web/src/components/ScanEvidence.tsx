import { useEffect, useState } from "react";
import { api, type Scan, type ScanPlotData } from "../api.ts";
import { useT } from "../i18n/index.tsx";
import { ImageViewer } from "./ImageViewer.tsx";
import { PortalChart } from "./PortalChart.tsx";
import { SpectrumChart } from "./SpectrumChart.tsx";

const VIEWABLE_IMAGES = ["image/png", "image/jpeg"];
const RADIATION_SCANS = ["radiation_portal", "isotope_id"];

/** Whether a scan has evidence this view can show (a radiation file or an image). */
export function hasEvidence(scan: Scan): boolean {
  if (!scan.file) {
    return false;
  }
  return scan.file.mediaType.startsWith("image/") || scan.analysis !== null || RADIATION_SCANS.includes(scan.scanType);
}

/** Plots of a radiation file, loaded from the plot-data API. */
function RadiationPlots({ scanId }: { scanId: string }) {
  const t = useT();
  const [data, setData] = useState<ScanPlotData | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<ScanPlotData>(`/scans/${scanId}/plot-data`).then(setData, (err: Error) => setError(err.message));
  }, [scanId]);
  if (error) {
    return <p className="error">{error}</p>;
  }
  if (!data) {
    return <p className="muted">{t("evidence.loading")}</p>;
  }
  if (data.portal.length === 0 && data.spectra.length === 0) {
    return (
      <p className="muted">
        {t("evidence.nothing")}
        {data.errors.length > 0 ? `: ${data.errors.join("; ")}` : ""}
      </p>
    );
  }
  return (
    <>
      {data.portal.map((p) => (
        <PortalChart key={p.id} plot={p} />
      ))}
      {data.spectra.map((s) => (
        <SpectrumChart key={s.id} plot={s} />
      ))}
    </>
  );
}

/** The evidence of one scan: radiation plots, an image viewer, or a download link for TIFF. */
export function ScanEvidence({ scan }: { scan: Scan }) {
  const t = useT();
  const file = scan.file;
  if (!file) {
    return null;
  }
  const href = `/api/files/${file.sha256}`;
  let body: React.ReactNode;
  if (VIEWABLE_IMAGES.includes(file.mediaType)) {
    body = (
      <ImageViewer src={href} alt={t("evidence.imageAlt", { scan: t.code(scan.scanType), name: file.name ?? "" })} />
    );
  } else if (file.mediaType.startsWith("image/")) {
    body = (
      <p>
        {t("evidence.cannotShow", { type: file.mediaType })}{" "}
        <a href={href}>{t("evidence.download", { name: file.name ?? "" })}</a>
      </p>
    );
  } else {
    body = <RadiationPlots scanId={scan.id} />;
  }
  return (
    <section className="evidence" data-testid="scan-evidence">
      <h3>
        {t.code(scan.scanType)} · {file.name ?? file.sha256.slice(0, 12)}
      </h3>
      {body}
    </section>
  );
}
