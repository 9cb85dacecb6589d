import { useEffect, useState } from "react";
import { useT } from "../i18n/index.tsx";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isDay(text: string): boolean {
  return DAY.test(text) && !Number.isNaN(new Date(`${text}T00:00:00Z`).getTime());
}

/**
 * A date typed as yyyy-mm-dd, the one format every date is shown in (the browser's own date
 * picker follows the machine's locale instead). Reports only complete dates, or "" when cleared.
 */
export function DateInput({
  name,
  value,
  onChange,
  label,
}: {
  name: string;
  value: string;
  onChange: (day: string) => void;
  label?: string;
}) {
  const t = useT();
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const isValid = text === "" || isDay(text);
  return (
    <input
      name={name}
      type="text"
      inputMode="numeric"
      placeholder={t("date.placeholder")}
      pattern="\d{4}-\d{2}-\d{2}"
      maxLength={10}
      size={11}
      aria-label={label}
      aria-invalid={!isValid}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        if (e.target.value === "" || isDay(e.target.value)) {
          onChange(e.target.value);
        }
      }}
    />
  );
}
