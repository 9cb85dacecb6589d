// Japanese explanation templates for the rules of the shipped rule sets (rulesets/*.json), by rule
// id, with the same {names} as the English ones. A hit is stored with its evidence, so a Japanese
// reader's explanation is rendered from it when the shipment is read; an agency's own rules, or a
// template whose names the evidence does not fill, keep the English text they were scored with.
import type { ShipmentFacts } from "./facts.ts";
import type { Evidence } from "./evidence.ts";
import { compileTemplate, templateNames, type Template } from "./template.ts";

/** The Japanese templates, by rule id (exported for the check that they match the shipped rules). */
export const JA_EXPLANATIONS: Record<string, string> = {
  "norm.potash":
    "品目 {hsCode}（{description}）はカリ肥料で、NORMリストに該当: K-40 による放射線検査ゲートの警報が見込まれる。整合する核種同定スペクトルがあれば解放できる。",
  "norm.ceramics":
    "品目 {hsCode}（{description}）は陶磁器で、NORMリストに該当: U/Th/K による警報が見込まれる。釉薬と素地に整合する核種同定スペクトルで解放する。",
  "norm.granite":
    "品目 {hsCode}（{description}）は花崗岩・建築用石材で、NORMリストに該当: U、Th、K-40 による警報が見込まれる。",
  "norm.bananas": "品目 {hsCode}（{description}）はバナナで、NORMリストに該当: 弱い K-40 警報が見込まれる。",
  "norm.zircon-refractory":
    "品目 {hsCode}（{description}）は{commodity}類の鉱物で、NORMリストに該当: Th/U による警報が見込まれる。",
  "norm.clay-fertiliser":
    "品目 {hsCode}（{description}）は粘土・りん酸塩・配合肥料で、NORMリストに該当: 警報（Ra-226、U、K-40）が見込まれる。",
  "radioactive.2844":
    "品目 {hsCode}（{description}）は放射性元素・同位元素（HS 2844）: 許可書と線源書類で説明がなければ上申する。",
  "radioactive.2612":
    "品目 {hsCode}（{description}）はウラン鉱・トリウム鉱（HS 2612）: 許可書で説明がなければ上申する。",
  "radioactive.sources":
    "品目 {hsCode}（{description}）は密封線源（{commodity}）を含むおそれ: 警報は申告された線源と一致しなければならない。",
  "scrap.ferrous":
    "品目 {hsCode}（{description}）は鉄くず: 管理外線源（Co-60、Cs-137）のおそれ。全コンテナを検査する。",
  "scrap.aluminium": "品目 {hsCode}（{description}）はアルミニウムくず: 管理外線源のおそれ。全コンテナを検査する。",
  "scrap.other-metals": "品目 {hsCode}（{description}）は非鉄金属くず: 管理外線源のおそれ。",
  "scrap.described-not-classified":
    "{line}行目はくず（「{description}」）と記載されているが、くずの項（{hsCode}）に分類されていない。",
  "norm.description-without-hs":
    "{line}行目は NORM 類の品名（「{pattern}」）を NORM の項ではない HS {hsCode} で申告: 警報が出ても申告では説明できない。",
  "norm.weight-implausible":
    "NORM 品目（{commodity}）の重量が {containerNo} で不自然: 警報が申告貨物によるものとは限らない。",
  "strategic.nuclear":
    "品目 {hsCode}（{description}）は原子力関連（原子炉・燃料、重水・同位元素、原子力級ジルコニウム、ベリリウム）: 輸出許可を確認する。",
  "strategic.machine-tools":
    "品目 {hsCode}（{description}）は工作機械（汎用品の軍事転用のおそれ）: 輸出規制品目番号と許可を確認する。",
  "strategic.arms": "品目 {hsCode}（{description}）は武器・弾薬: 輸出許可を確認する。",
  "strategic.aircraft-drones":
    "品目 {hsCode}（{description}）は航空機・無人機またはその部品: 輸出規制品目番号を確認する。",
  "strategic.to-diversion-hub":
    "規制品目 {hsCode}（{description}）の仕向地 {port}（{country}）は、禁輸国への迂回輸出で知られる積替え拠点。",
  "vehicles.used": "中古車 {hsCode}（{description}）: 登録証と車台番号は積載の72時間前までに必要。盗難車輸出のおそれ。",
  "description.fak": "{line}行目の品名は「{description}」: 混載品（FAK）は品名にならない。",
  "description.general-cargo": "{line}行目の品名は「{description}」: 漠然としすぎてターゲティングできない。",
  "description.said-to-contain": "{line}行目は「{pattern}」: 運送人は貨物を見ていない。",
  "description.vague": "{line}行目の品名は「{description}」のみ: 何の貨物かを示す語がない。",
  "description.empty": "{line}行目に品名がない。",
  "description.used-household": "{line}行目は「{description}」: 低価格の隠れみの貨物は隠匿によく使われる。",
  "description.hs-mismatch":
    "{line}行目の品名「{description}」は HS {hsCode} に合わない: 第{heading}項は「{headingText}」。",
  "hs.national-chapter": "{line}行目は HS の項ではなく国内用の類 {value} を使用。",
  "route.transshipment-busan":
    "釜山（{via}）で積替えて {finalDestination} へ: 日本到着前に米国の管理を離れる。船積港 {portOfLoading} での積載前に検査する。",
  "route.transshipment-third-country": "{via} 経由で {finalDestination} へ積替え: 到着前に第三国で取り扱われる。",
  "route.transshipment-diversion-hub": "{via} 経由で {finalDestination} へ積替え: 迂回輸出で知られる積替え拠点。",
  "route.transit-through-japan":
    "仕向港は日本（{portOfDischarge}）だが最終仕向地は {finalDestination}: 日本を通過する貨物。",
  "route.sensitive-destination": "最終仕向地 {port} は禁輸・制裁対象国（{country}）にある。",
  "route.unusual-loading": "船積港 {portOfLoading} は、この情報交換が対象とする西海岸の港以外。",
  "party.sanctioned-country": "{party} は禁輸国 {country} にある。",
  "party.consignee-diversion-country": "日本で荷揚げされる貨物の荷受人 {party} が {country} にある: 迂回のおそれ。",
  "party.consignee-elsewhere":
    "荷受人 {party} は迂回拠点の {country} にあるが、貨物は別の地へ向かう: 誰が受け取るのか。",
  "party.watchlist": "{party}（{role}）はウォッチリスト {list} の登録 {listId} に該当: {reason}。",
  "vessel.watchlist": "本船 IMO番号 {key} はウォッチリスト {list} の登録 {listId} に該当: {reason}。",
  "container.watchlist": "コンテナ {key} はウォッチリスト {list} の登録 {listId} に該当: {reason}。",
  "party.screening-strong":
    "{party}（{role}）は {list} リストの {listed}（登録 {listId}、評点 {screeningScore}）と一致。",
  "party.screening-possible":
    "{party}（{role}）は {list} リストの {listed}（登録 {listId}、評点 {screeningScore}）と一致の可能性: 判定が必要。",
  "party.first-seen-shipper": "荷送人 {party} からの初めての貨物。",
  "party.first-seen-consignee": "荷受人 {party} あての初めての貨物。",
  "party.shipper-is-forwarder": "記載上の荷送人（{party}）はフォワーダー: 実際の輸出者が示されていない。",
  "party.consignee-to-order": "荷受人が「{party}」: 受取人が示されていない。",
  "party.same-shipper-consignee": "荷送人の記載は「{party}」。",
  "party.address-missing": "当事者の住所が欠落: {missingFields}。",
  "party.known-exporter": "輸出者は自機関の既知輸出者リストに登録済み（リスク軽減）。",
  "weight.implausible":
    "コンテナ {containerNo}: {goods}（第{chapter}類）について 1 TEU あたり {kgPerTeu} kg と申告、妥当な範囲は {band}: {weightReason}。",
  "weight.far-off":
    "コンテナ {containerNo} は許容差50 %を見込んでも重量範囲を大きく外れる（1 TEU あたり {kgPerTeu} kg、{weightReason}）。",
  "weight.missing": "総重量の申告がない。",
  "filing.late-24h": "積載期限（カットオフ）の {hoursBeforeCutoff} h 前に申告: 積載の24時間前までの申告が必要。",
  "filing.after-cutoff":
    "積載期限（カットオフ）の {hoursAfterCutoff} h 後に申告: 積載前にターゲティングする時間がない。",
  "filing.incomplete-core": "申告時に不完全: {missingFields}。",
  "filing.no-itn": "申告に輸出申告番号（AES ITN）も免除の根拠もない。",
  "filing.eei-exemption-heavy": "輸出申告免除（{itn}）で {value} kg の貨物を申告。",
  "value.low-for-weight":
    "{value} kg に対し申告価格 ${declaredValueUsd}: 数トンの貨物なのに輸出申告の基準額（2,500ドル）を下回る。",
  "payment.cash": "運賃を現金で支払い。",
  "equipment.reefer-non-perishable":
    "冷凍コンテナ {containerNo}（{sizeType}）に温度管理の不要な貨物（食品・医薬品・試薬・フィルムの行がない）。",
  "equipment.perishable-in-dry-box":
    "{line}行目（「{description}」）は冷凍・冷蔵品だが、冷凍コンテナがない: 貨物か機材のどちらかが申告と異なる。",
  "equipment.many-boxes-few-lines":
    "複数のコンテナに対し品目行が {value} 行: どのコンテナに何が入っているか積荷目録からわからない。",
  "data.missing": "{missingFacts} がないため評価できなかった: {rules}。",
};

const compiled = new Map<string, { template: Template; names: string[] }>();

function japaneseTemplate(ruleId: string): { template: Template; names: string[] } | undefined {
  const text = JA_EXPLANATIONS[ruleId];
  if (text === undefined) {
    return undefined;
  }
  let entry = compiled.get(ruleId);
  if (!entry) {
    entry = { template: compileTemplate(text), names: templateNames(text) };
    compiled.set(ruleId, entry);
  }
  return entry;
}

/** Rule ids that have a Japanese explanation. */
export function hasJapaneseExplanation(ruleId: string): boolean {
  return ruleId in JA_EXPLANATIONS;
}

/**
 * The explanation of a stored hit in the reader's language: Japanese from the template when the
 * hit's evidence (or the shipment's own fields) fills every name, else the stored English text.
 */
export function explainHit(
  hit: { ruleId: string; explanation: string; evidence?: Evidence },
  language: "en" | "ja" | undefined,
  shipment: Record<string, unknown>,
): string {
  if (language !== "ja") {
    return hit.explanation;
  }
  const entry = japaneseTemplate(hit.ruleId);
  if (!entry) {
    return hit.explanation;
  }
  const evidence = hit.evidence ?? {};
  const filled = (name: string) => {
    const value = evidence[name] ?? shipment[name];
    return value !== undefined && value !== null && value !== "";
  };
  if (!entry.names.every(filled)) {
    return hit.explanation;
  }
  return entry.template(evidence, shipment as unknown as ShipmentFacts);
}
