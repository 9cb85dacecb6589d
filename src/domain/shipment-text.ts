/** The lower-cased text the shipment list's free-text filter searches. */
export function shipmentSearchText(s: {
  billOfLading: string;
  shipperName: string;
  consigneeName: string;
  containerNos: string[];
  goods: { hsCode: string; description: string }[];
}): string {
  return [s.billOfLading, s.shipperName, s.consigneeName, ...s.containerNos, ...s.goods.map((g) => `${g.hsCode} ${g.description}`)]
    .join(" ")
    .toLowerCase();
}
