/** Coarse family of a legal form, used to decide whether two different forms still agree. */
export type LegalFormGroup = "stock" | "limited" | "partnership" | "generic";

type FormRow = [code: string, group: LegalFormGroup, spellings: string[]];

// Spellings are folded token sequences (see foldText): "Co., Ltd." arrives as "CO LTD", "S.A.U." as "SAU".
export const FORMS: FormRow[] = [
  ["KK", "stock", ["KK", "KABUSHIKI KAISHA", "KABUSHIKIKAISHA", "KABUSHIKI GAISHA", "KABUSHIKIGAISHA", "KABUSIKI KAISYA", "KABUSIKI GAISYA", "KABUSIKIKAISYA", "KABUSIKIGAISYA"]],
  ["YK", "limited", ["YK", "YUGEN KAISHA", "YUGENKAISHA", "YUUGEN KAISHA", "YUGEN GAISHA", "YUGENGAISHA", "YUUGENGAISHA", "YUGEN KAISYA"]],
  ["GK", "limited", ["GK", "GODO KAISHA", "GODOKAISHA", "GOUDOU KAISHA", "GODO GAISHA", "GODOGAISHA", "GOUDOUGAISHA", "GODO KAISYA"]],
  ["GMK", "partnership", ["GOMEI KAISHA", "GOSHI KAISHA", "GOUMEIGAISHA", "GOUSHIGAISHA"]],
  ["CO LTD", "stock", ["CO LTD", "CO LIMITED", "COMPANY LIMITED", "COMPANY LTD", "CORP LTD", "CO PTE LTD"]],
  ["LTD", "limited", ["LTD", "LIMITED", "LTDA", "LIMITADA"]],
  ["LLC", "limited", ["LLC", "LIMITED LIABILITY COMPANY", "LIMITED LIABILITY CO", "LIMITED LIABILITY CORPORATION", "LIMITED LIABILITY", "OOO", "TOO", "MCHJ", "FZ LLC", "L L C"]],
  ["LLP", "partnership", ["LLP", "LIMITED LIABILITY PARTNERSHIP", "L L P"]],
  ["LP", "partnership", ["LP", "LIMITED PARTNERSHIP", "KG", "GMBH CO KG", "SCS"]],
  ["INC", "stock", ["INC", "INCORPORATED"]],
  ["CORP", "stock", ["CORP", "CORPORATION", "CORPORACION", "KORPORATSIYA"]],
  ["CO", "generic", ["CO", "COMPANY", "CIE", "CIA", "COMPANIA", "KOMPANIYA"]],
  ["PLC", "stock", ["PLC", "PUBLIC LIMITED COMPANY", "PUBLIC CO LTD", "PCL"]],
  ["GMBH", "limited", ["GMBH", "GESELLSCHAFT MIT BESCHRANKTER HAFTUNG", "GESMBH", "MBH"]],
  ["AG", "stock", ["AG", "AKTIENGESELLSCHAFT"]],
  ["SA", "stock", ["SA", "S A", "SOCIEDAD ANONIMA", "SOCIETE ANONYME", "SOCIEDADE ANONIMA", "SAL", "SAOG", "SAE"]],
  ["SAU", "stock", ["SAU", "SOCIEDAD ANONIMA UNIPERSONAL"]],
  ["SA DE CV", "stock", [
    "SA DE CV", "S A DE C V", "SOCIEDAD ANONIMA DE CAPITAL VARIABLE", "SAPI DE CV", "SAB DE CV", "S DE RL DE CV", "S DE RL",
    "SOCIEDAD DE RESPONSABILIDAD LIMITADA DE CAPITAL VARIABLE", "SOCIEDAD DE RESPONSABILIDAD LIMITADA", "SC DE RL DE CV",
    "SPR DE RL DE CV", "SA DE CV SOFOM ENR",
  ]],
  ["SAS", "stock", ["SAS", "SASU", "S A S"]],
  ["SL", "limited", ["SL", "SLU", "SOCIEDAD LIMITADA", "SRL", "SARL", "SOCIETA A RESPONSABILITA LIMITATA", "EIRL", "SAC"]],
  ["SPA", "stock", ["SPA", "SOCIETA PER AZIONI"]],
  ["BV", "limited", ["BV", "BESLOTEN VENNOOTSCHAP"]],
  ["NV", "stock", ["NV", "NAAMLOZE VENNOOTSCHAP"]],
  ["JSC", "stock", [
    "JSC", "AO", "ZAO", "OAO", "CJSC", "OJSC", "JOINT STOCK COMPANY", "JOINT STOCK CO", "JOINT STOCK", "CLOSED JOINT STOCK COMPANY",
    "OPEN JOINT STOCK COMPANY", "PRIVATE JOINT STOCK COMPANY", "CLOSED JOINT STOCK", "OPEN JOINT STOCK", "AKTSIONERNOE OBSHCHESTVO",
    "AKTSIONERNOYE OBSHCHESTVO", "ZAKRYTOE AKTSIONERNOE OBSHCHESTVO", "OTKRYTOE AKTSIONERNOE OBSHCHESTVO", "AD", "AS", "ASA", "AB", "OY",
    "OYJ", "ZRT", "NYRT",
  ]],
  ["PJSC", "stock", ["PJSC", "PAO", "PUBLIC JOINT STOCK COMPANY", "PUBLIC JOINT STOCK", "PUBLICHNOE AKTSIONERNOE OBSHCHESTVO"]],
  ["PTE LTD", "limited", ["PTE LTD", "PTE", "PRIVATE LIMITED", "PVT LTD", "PVT", "PTY LTD", "PTY"]],
  ["SDN BHD", "limited", ["SDN BHD", "SENDIRIAN BERHAD", "BHD", "BERHAD"]],
  ["PT", "stock", ["PT", "TBK", "PT TBK"]],
  ["FZE", "limited", ["FZE", "FZCO", "FZC", "DMCC", "FZ CO"]],
  ["WLL", "limited", ["WLL", "SPC"]],
  ["SRO", "limited", ["SRO", "DOO", "OOD", "EOOD", "KFT", "SP Z OO", "SP ZOO", "UAB", "SIA", "OU", "TOV"]],
  ["YOUXIAN GONGSI", "limited", ["YOUXIAN GONGSI", "YOUXIANGONGSI", "GUFEN YOUXIAN GONGSI"]],
  ["LTD STI", "limited", ["LTD STI", "LIMITED SIRKETI", "ANONIM SIRKETI"]],
];

/**
 * Short spellings that are also ordinary words or name parts ("AS SALAM", "SPA", "SIA", "AB"): recognised only at
 * the end of a name (after the name, or before other forms there) or, if in MAY_OPEN, at its start.
 */
export const LEADING_ONLY_AT_EDGES = new Set([
  "AS", "AD", "AB", "OU", "SA", "S A", "SL", "PT", "AO", "OY", "KG", "BV", "NV", "AG", "YK", "GK", "LP", "TOO", "SAL", "SAE", "SPA", "SIA",
  "DOO", "OOD", "CIA", "CIE", "SAC", "SCS", "SPC", "TOV", "UAB", "ASA", "OYJ", "SAS", "S A S", "TBK", "MBH", "ZRT", "SAU", "SLU", "SASU",
  "EIRL", "SAOG", "NYRT", "EOOD", "MCHJ", "PCL", "PTE", "PTY", "PVT", "KFT", "SRO", "SRL", "SARL", "PT TBK", "L L C", "L L P",
]);

/** Edge-only spellings that may also open a name ("AO SHVABE", "PT ACME", "SIA …", "TOO …"). */
export const MAY_OPEN = new Set(["AO", "PT", "PT TBK", "SIA", "TOO", "TOV", "UAB", "YK", "GK", "SA", "S A", "SAS", "SRL", "SARL", "SRO", "NV", "BV", "AG", "LP", "PTE", "PVT", "PTY"]);

/** Japanese (and Chinese) script legal forms, replaced by their romanised code before folding. */
export const SCRIPT_FORMS: Array<[RegExp, string]> = [
  [/株式会社|\(株\)|（株）|㈱/g, " KK "],
  [/有限会社|\(有\)|（有）|㈲/g, " YK "],
  [/合同会社/g, " GK "],
  [/合名会社|合資会社/g, " GOMEI KAISHA "],
  [/有限公司|有限責任公司|有限责任公司/g, " YOUXIAN GONGSI "],
];
