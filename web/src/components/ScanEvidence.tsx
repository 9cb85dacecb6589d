import { useEffect, useState } from "react";
import { api, label, type Scan, type ScanPlotData } from "../api.ts";
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
  const [data, setData] = useState<ScanPlotData | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<ScanPlotData>(`/scans/${scanId}/plot-data`).then(setData, (err: Error) => setError(err.message));
  }, [scanId]);
  if (error) {
    return <p className="error">{error}</p>;
  }
  if (!data) {
    return <p className="muted">Loading plots…</p>;
  }
  if (data.portal.length === 0 && data.spectra.length === 0) {
    return <p className="muted">Nothing to plot{data.errors.length > 0 ? `: ${data.errors.join("; ")}` : ""}</p>;
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
  const file = scan.file;
  if (!file) {
    return null;
  }
  const href = `/api/files/${file.sha256}`;
  let body: React.ReactNode;
  if (VIEWABLE_IMAGES.includes(file.mediaType)) {
    body = <ImageViewer src={href} alt={`${label(scan.scanType)} image ${file.name ?? ""}`} />;
  } else if (file.mediaType.startsWith("image/")) {
    body = (
      <p>
        {file.mediaType} cannot be shown in the browser: <a href={href}>download {file.name ?? "the image"}</a>
      </p>
    );
  } else {
    body = <RadiationPlots scanId={scan.id} />;
  }
  return (
    <section className="evidence" data-testid="scan-evidence">
      <h3>
        {label(scan.scanType)} · {file.name ?? file.sha256.slice(0, 12)}
      </h3>
      {body}
    </section>
  );
}
