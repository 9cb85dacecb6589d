import { useCallback, useEffect, useRef, useState } from "react";
import { useT } from "../i18n/index.tsx";

interface View {
  scale: number;
  x: number;
  y: number;
}

const HOME: View = { scale: 1, x: 0, y: 0 };
const MIN_SCALE = 0.25;
const MAX_SCALE = 16;

/** The view zoomed by `factor` around point (cx, cy) of the frame, so that point stays put. */
function zoomed(v: View, factor: number, cx: number, cy: number): View {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, v.scale * factor));
  const k = scale / v.scale;
  return { scale, x: cx - (cx - v.x) * k, y: cy - (cy - v.y) * k };
}

/** An X-ray/gamma image with pan (drag), zoom (wheel and buttons) and reset, by CSS transform. */
export function ImageViewer({ src, alt }: { src: string; alt: string }) {
  const t = useT();
  const frame = useRef<HTMLDivElement>(null);
  const drag = useRef<{ px: number; py: number; x: number; y: number } | null>(null);
  const [view, setView] = useState<View>(HOME);

  useEffect(() => {
    const el = frame.current;
    if (!el) {
      return;
    }
    // React's onWheel is passive; the page must not scroll while zooming.
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const box = el.getBoundingClientRect();
      setView((v) => zoomed(v, Math.exp(-e.deltaY * 0.0015), e.clientX - box.left, e.clientY - box.top));
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, []);

  const zoomCentre = useCallback((factor: number) => {
    const el = frame.current;
    setView((v) => zoomed(v, factor, (el?.clientWidth ?? 0) / 2, (el?.clientHeight ?? 0) / 2));
  }, []);

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { px: e.clientX, py: e.clientY, x: view.x, y: view.y };
  };
  const onPointerMove = (e: React.PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) {
      return;
    }
    setView((v) => ({ ...v, x: d.x + e.clientX - d.px, y: d.y + e.clientY - d.py }));
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  return (
    <div className="image-viewer">
      <div className="actions">
        <button type="button" onClick={() => zoomCentre(1.25)} aria-label={t("viewer.zoomIn")}>
          +
        </button>
        <button type="button" onClick={() => zoomCentre(0.8)} aria-label={t("viewer.zoomOut")}>
          −
        </button>
        <button type="button" onClick={() => setView(HOME)}>
          {t("viewer.reset")}
        </button>
        <span className="muted" data-testid="zoom-level">
          {t.percent(view.scale)} · {t("viewer.hint")}
        </span>
      </div>
      <div
        ref={frame}
        className="viewer-frame"
        data-testid="image-viewer"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <img
          src={src}
          alt={alt}
          draggable={false}
          data-testid="viewer-image"
          style={{ transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` }}
        />
      </div>
    </div>
  );
}
