/** Coarse family of a legal form, used to decide whether two different forms still agree. */
export type LegalFormGroup = "stock" | "limited" | "partnership" | "generic";

/** A legal form found in (and removed from) a name. */
export interface LegalForm {
  /** Canonical code, e.g. "KK", "LLC", "JSC". */
  code: string;
  group: LegalFormGroup;
  /** The tokens that were removed, e.g. "KABUSHIKI KAISHA". */
  text: string;
}

type FormRow = [code: string, group: LegalFormGroup, variants: string[]];

// Variants are folded token sequences (see foldText): "Co., Ltd." arrives as "CO LTD", "S.A.U." as "SAU".
const FORMS: FormRow[] = [
  ["KK", "stock", ["KK", "KABUSHIKI KAISHA", "KABUSHIKIKAISHA", "KABUSHIKI GAISHA", "KABUSHIKIGAISHA", "KABUSIKI KAISYA", "KABUSIKI GAISYA"]],
  ["YK", "limited", ["YK", "YUGEN KAISHA", "YUGENKAISHA", "YUUGEN KAISHA", "YUGEN GAISHA", "YUGENGAISHA", "YUGEN KAISYA"]],
  ["GK", "limited", ["GK", "GODO KAISHA", "GODOKAISHA", "GOUDOU KAISHA", "GODO GAISHA", "GODO KAISYA"]],
  ["GMK", "partnership", ["GOMEI KAISHA", "GOSHI KAISHA"]],
  ["CO LTD", "stock", ["CO LTD", "CO LIMITED", "COMPANY LIMITED", "COMPANY LTD", "CORP LTD", "CO PTE LTD"]],
  ["LTD", "limited", ["LTD", "LIMITED", "LTDA", "LIMITADA"]],
  ["LLC", "limited", ["LLC", "LIMITED LIABILITY COMPANY", "LIMITED LIABILITY CO", "OOO", "TOO", "MCHJ", "FZ LLC", "L L C"]],
  ["LLP", "partnership", ["LLP", "LIMITED LIABILITY PARTNERSHIP"]],
  ["LP", "partnership", ["LP", "LIMITED PARTNERSHIP", "KG", "GMBH AND CO KG", "SCS"]],
  ["INC", "stock", ["INC", "INCORPORATED"]],
  ["CORP", "stock", ["CORP", "CORPORATION", "CORPORACION", "KORPORATSIYA"]],
  ["CO", "generic", ["CO", "COMPANY", "CIE", "CIA", "COMPANIA", "KOMPANIYA"]],
  ["PLC", "stock", ["PLC", "PUBLIC LIMITED COMPANY", "PUBLIC CO LTD", "PCL"]],
  ["GMBH", "limited", ["GMBH", "GESELLSCHAFT MIT BESCHRANKTER HAFTUNG", "GESMBH", "MBH"]],
  ["AG", "stock", ["AG", "AKTIENGESELLSCHAFT"]],
  ["SA", "stock", ["SA", "SOCIEDAD ANONIMA", "SOCIETE ANONYME", "SOCIEDADE ANONIMA", "SAL", "SAOG", "SAE"]],
  ["SAU", "stock", ["SAU", "SOCIEDAD ANONIMA UNIPERSONAL"]],
  ["SA DE CV", "stock", ["SA DE CV", "SAPI DE CV", "SAB DE CV", "S DE RL DE CV", "S DE RL", "SC DE RL DE CV", "SPR DE RL DE CV", "SA DE CV SOFOM ENR"]],
  ["SAS", "stock", ["SAS", "SASU"]],
  ["SL", "limited", ["SL", "SLU", "SOCIEDAD LIMITADA", "SRL", "SARL", "SOCIETA A RESPONSABILITA LIMITATA", "EIRL", "SAC"]],
  ["SPA", "stock", ["SPA", "SOCIETA PER AZIONI"]],
  ["BV", "limited", ["BV", "BESLOTEN VENNOOTSCHAP"]],
  ["NV", "stock", ["NV", "NAAMLOZE VENNOOTSCHAP"]],
  ["JSC", "stock", ["JSC", "AO", "ZAO", "OAO", "CJSC", "OJSC", "JOINT STOCK COMPANY", "CLOSED JOINT STOCK COMPANY", "OPEN JOINT STOCK COMPANY", "AKTSIONERNOE OBSHCHESTVO", "AKTSIONERNOYE OBSHCHESTVO", "ZAKRYTOE AKTSIONERNOE OBSHCHESTVO", "OTKRYTOE AKTSIONERNOE OBSHCHESTVO", "AD", "AS", "ASA", "AB", "OY", "OYJ", "ZRT", "NYRT"]],
  ["PJSC", "stock", ["PJSC", "PAO", "PUBLIC JOINT STOCK COMPANY", "PUBLICHNOE AKTSIONERNOE OBSHCHESTVO"]],
  ["PTE LTD", "limited", ["PTE LTD", "PTE", "PRIVATE LIMITED", "PVT LTD", "PVT", "PTY LTD", "PTY"]],
  ["SDN BHD", "limited", ["SDN BHD", "SENDIRIAN BERHAD", "BHD", "BERHAD"]],
  ["PT", "stock", ["PT", "TBK", "PT TBK"]],
  ["FZE", "limited", ["FZE", "FZCO", "FZC", "DMCC", "FZ CO"]],
  ["WLL", "limited", ["WLL", "SPC"]],
  ["SRO", "limited", ["SRO", "DOO", "OOD", "EOOD", "KFT", "SP Z OO", "SP ZOO", "UAB", "SIA", "OU", "TOV", "TOO"]],
  ["YOUXIAN GONGSI", "limited", ["YOUXIAN GONGSI", "YOUXIANGONGSI", "GUFEN YOUXIAN GONGSI"]],
  ["LTD STI", "limited", ["LTD STI", "LIMITED SIRKETI", "ANONIM SIRKETI"]],
];

/** Japanese (and Chinese) script legal forms, replaced by their romanised code before folding. */
const SCRIPT_FORMS: Array<[RegExp, string]> = [
  [/株式会社|\(株\)|（株）|㈱/g, " KK "],
  [/有限会社|\(有\)|（有）|㈲/g, " YK "],
  [/合同会社/g, " GK "],
  [/合名会社|合資会社/g, " GOMEI KAISHA "],
  [/有限公司|有限責任公司|有限责任公司/g, " YOUXIAN GONGSI "],
];

/** Forms that may also open a name ("OOO ROMASHKA", "PT ...", 株式会社トヨタ); the rest only close one ("AS" opens Arabic names). */
const LEADING = new Set([
  "KK", "KABUSHIKI KAISHA", "KABUSHIKIKAISHA", "YK", "YUGEN KAISHA", "GK", "GODO KAISHA", "OOO", "LLC", "TOO", "TOV", "UAB", "SIA",
  "LIMITED LIABILITY COMPANY", "AO", "ZAO", "OAO", "PAO", "CJSC", "OJSC", "JSC", "PJSC", "JOINT STOCK COMPANY",
  "CLOSED JOINT STOCK COMPANY", "OPEN JOINT STOCK COMPANY", "PUBLIC JOINT STOCK COMPANY", "AKTSIONERNOE OBSHCHESTVO",
  "ZAKRYTOE AKTSIONERNOE OBSHCHESTVO", "OTKRYTOE AKTSIONERNOE OBSHCHESTVO", "PUBLICHNOE AKTSIONERNOE OBSHCHESTVO", "PT",
]);

const VARIANTS = buildVariants();

function buildVariants(): Map<string, { code: string; group: LegalFormGroup; length: number }> {
  const map = new Map<string, { code: string; group: LegalFormGroup; length: number }>();
  for (const [code, group, variants] of FORMS) {
    for (const v of variants) {
      if (!map.has(v)) {
        map.set(v, { code, group, length: v.split(" ").length });
      }
    }
  }
  return map;
}

const MAX_LEN = Math.max(...[...VARIANTS.values()].map((v) => v.length));

/** Replaces 株式会社-style script legal forms with romanised codes so they survive folding. */
export function romaniseScriptLegalForms(text: string): string {
  let out = text;
  for (const [re, code] of SCRIPT_FORMS) {
    out = out.replace(re, code);
  }
  return out;
}

/** Longest legal-form match of tokens[from..] or, with `atEnd`, of tokens[..to]. */
function matchAt(tokens: string[], atEnd: boolean): LegalForm & { length: number } | undefined {
  for (let len = Math.min(MAX_LEN, tokens.length); len >= 1; len--) {
    const slice = atEnd ? tokens.slice(tokens.length - len) : tokens.slice(0, len);
    const text = slice.join(" ");
    const hit = VARIANTS.get(text);
    if (hit && (atEnd || LEADING.has(text))) {
      return { code: hit.code, group: hit.group, text, length: len };
    }
  }
  return undefined;
}

/** Removes legal forms from both ends of a token list (never leaving it empty); returns what was removed. */
export function stripLegalForms(tokens: string[]): { tokens: string[]; forms: LegalForm[] } {
  let rest = tokens;
  const forms: LegalForm[] = [];
  for (const atEnd of [true, false]) {
    for (;;) {
      const hit = matchAt(rest, atEnd);
      if (!hit || hit.length >= rest.length) {
        break;
      }
      forms.push({ code: hit.code, group: hit.group, text: hit.text });
      rest = atEnd ? rest.slice(0, rest.length - hit.length) : rest.slice(hit.length);
    }
  }
  return { tokens: rest, forms };
}

/** True if the whole token list is a legal form ("K.K.", "Co., Ltd."). */
export function isLegalFormOnly(tokens: string[]): boolean {
  const hit = matchAt(tokens, true);
  return hit !== undefined && hit.length === tokens.length;
}
