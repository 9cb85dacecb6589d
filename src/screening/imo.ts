/** Extracts a 7-digit IMO number from "IMO 9187629", "9187629" etc.; undefined if there is none. */
export function normalizeImo(raw: string | undefined): string | undefined {
  const m = /(?:^|\D)(\d{7})(?:\D|$)/.exec(raw ?? "");
  return m?.[1];
}

/** True when the IMO ship number's check digit is right (digits 1–6 weighted 7..2, sum mod 10 = digit 7). */
export function isValidImo(imo: string): boolean {
  if (!/^\d{7}$/.test(imo)) {
    return false;
  }
  let sum = 0;
  for (let i = 0; i < 6; i++) {
    sum += Number(imo[i]) * (7 - i);
  }
  return sum % 10 === Number(imo[6]);
}
