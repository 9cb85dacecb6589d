/**
 * The lower-cased text the shipment list's free-text filter searches: B/L, each party's name with
 * its native-script name after it when there is one, containers and goods (the same text as the
 * ingest view in migrations/0026).
 */
export function shipmentSearchText(s: {
  billOfLading: string;
  shipperName: string;
  shipperNameNative?: string | null;
  consigneeName: string;
  consigneeNameNative?: string | null;
  containerNos: string[];
  goods: { hsCode: string; description: string }[];
}): string {
  const names = [s.shipperName, s.shipperNameNative, s.consigneeName, s.consigneeNameNative].filter(
    (n): n is string => typeof n === "string",
  );
  return [s.billOfLading, ...names, ...s.containerNos, ...s.goods.map((g) => `${g.hsCode} ${g.description}`)]
    .join(" ")
    .toLowerCase();
}
