// A labeled screening set generated from a list with a seed, for bench/screening.ts: variants of listed names as users
// type them (typos, legal forms mistyped, moved, repeated or spelt another way, abbreviations, any word order, dropped
// words, transliteration variants) plus realistic names of unlisted traders and people. It shares no code or word
// lists with src/screening; test/screening/labeled-names.tsv is a separate, hand-written set.
import type { ScreeningEntry } from "../../src/screening/index.ts";
import { mulberry32 } from "../../src/domain/demo/random.ts";

/** One labeled query: `expected` is "LIST:id", empty for a name that must not alert. */
export interface LabeledQuery {
  query: string;
  expected: string;
  kind: string;
}

type Rand = () => number;
type Variant = (r: Rand, name: string, type: string) => string | undefined;

const rng: (seed: number) => Rand = mulberry32;

const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Legal-form spellings as they occur on manifests, grouped by meaning. */
const FORM_SPELLINGS: string[][] = [
  ["LIMITED", "LTD", "LTD."],
  ["CO., LTD.", "CO LTD", "COMPANY LIMITED", "CO. LIMITED", "COMPANY LTD"],
  ["LLC", "L.L.C.", "LIMITED LIABILITY COMPANY", "OOO"],
  ["JSC", "JOINT STOCK COMPANY", "AO", "J.S.C."],
  ["OJSC", "OPEN JOINT STOCK COMPANY", "OAO"],
  ["PJSC", "PUBLIC JOINT STOCK COMPANY", "PAO"],
  ["K.K.", "KK", "KABUSHIKI KAISHA", "KABUSHIKIGAISHA"],
  ["INC", "INC.", "INCORPORATED"],
  ["CORP", "CORP.", "CORPORATION"],
  ["CO", "CO.", "COMPANY"],
  ["S.A.", "SA", "SOCIEDAD ANONIMA"],
  ["S.A. DE C.V.", "SA DE CV", "S.A. DE CV"],
  ["LTDA", "LTDA.", "LIMITADA"],
  ["GMBH", "GESELLSCHAFT MIT BESCHRANKTER HAFTUNG"],
  ["PTE LTD", "PTE. LTD.", "PRIVATE LIMITED"],
  ["PLC", "P.L.C.", "PUBLIC LIMITED COMPANY"],
  ["S.R.O.", "SRO", "S R O"],
  ["D.O.O.", "DOO"],
  ["SDN. BHD.", "SDN BHD", "SENDIRIAN BERHAD"],
  ["S.R.L.", "SRL"],
  ["S.A.R.L.", "SARL"],
  ["S. DE R.L. DE C.V.", "S DE RL DE CV"],
  ["LLP", "L.L.P.", "LIMITED LIABILITY PARTNERSHIP"],
  ["PTY LTD", "PTY. LTD.", "PROPRIETARY LIMITED"],
  ["AG", "A.G."],
  ["B.V.", "BV"],
  ["N.V.", "NV"],
  ["FZE", "F.Z.E."],
  ["FZCO", "FZ CO", "F.Z.CO."],
];
const ALL_SPELLINGS = FORM_SPELLINGS.flat().sort((a, b) => b.length - a.length);
const fold = (s: string): string => s.toUpperCase().replace(/[.,]/g, " ").replace(/\s+/g, " ").trim();

/** Splits a name into its words and its legal form (the longest known spelling at its end or start). */
function split(name: string): { words: string[]; form: string | undefined; group: string[] | undefined } {
  const clean = fold(name.replace(/'/g, ""));
  for (const spelling of ALL_SPELLINGS) {
    const f = fold(spelling);
    for (const atEnd of [true, false]) {
      const hit = atEnd ? clean.endsWith(` ${f}`) : clean.startsWith(`${f} `);
      if (hit) {
        const rest = atEnd ? clean.slice(0, clean.length - f.length - 1) : clean.slice(f.length + 1);
        return { words: rest.split(" "), form: spelling, group: FORM_SPELLINGS.find((g) => g.includes(spelling)) };
      }
    }
  }
  return { words: clean.split(" "), form: undefined, group: undefined };
}

function typoIn(r: Rand, word: string): string {
  const i = 1 + Math.floor(r() * (word.length - 2));
  const edits = [
    () => word.slice(0, i) + pick(r, [...LETTERS]) + word.slice(i + 1),
    () => word.slice(0, i) + word.slice(i + 1),
    () => word.slice(0, i) + pick(r, [...LETTERS]) + word.slice(i),
    () => word.slice(0, i) + (word[i + 1] ?? "") + (word[i] ?? "") + word.slice(i + 2),
  ];
  return pick(r, edits)();
}

const typo: Variant = (r, name) => {
  const words = name.split(" ");
  const candidates = words.map((w, i) => [w, i] as const).filter(([w]) => /^[A-Z]{5,}$/i.test(w));
  if (candidates.length === 0) {
    return undefined;
  }
  const [word, at] = pick(r, candidates);
  words[at] = typoIn(r, word);
  return words.join(" ");
};

const entityOnly =
  (make: Variant): Variant =>
  (r, name, type) =>
    type === "individual" || type === "vessel" ? undefined : make(r, name, type);

/** A legal form mistyped ("COMPNY", "LIMITD", "JONT STOCK"); names without one get one first. */
const legalFormTypo: Variant = entityOnly((r, name) => {
  const { words, form } = split(name);
  const spelling =
    form && / /.test(form)
      ? form
      : pick(r, [
          "LIMITED",
          "COMPANY LIMITED",
          "LIMITED LIABILITY COMPANY",
          "JOINT STOCK COMPANY",
          "CORPORATION",
          "INCORPORATED",
          "KABUSHIKI KAISHA",
        ]);
  const formWords = fold(spelling).split(" ");
  const long = formWords.map((w, i) => [w, i] as const).filter(([w]) => w.length >= 4);
  if (long.length === 0) {
    return undefined;
  }
  const [word, at] = pick(r, long);
  formWords[at] = typoIn(r, word);
  return `${words.join(" ")} ${formWords.join(" ")}`;
});

/** The legal form moved to the front or into the middle ("CO … SHIPPING LIMITED", "<name> JSC BANK"). */
const legalFormMove: Variant = entityOnly((r, name) => {
  const { words, form } = split(name);
  const spelling = form ?? pick(r, ["CO", "COMPANY", "LLC", "JSC", "LIMITED"]);
  // "CO., LTD." is the one form people split around the name ("CO … SHIPPING LIMITED").
  const coLtd = /^CO(MPANY|\.)? ?,? ?(LTD|LIMITED)\.?$/i.exec(spelling);
  if (coLtd && r() < 0.5) {
    return ["CO", ...words, coLtd[2] ?? "LIMITED"].join(" ");
  }
  if (words.length >= 2 && r() < 0.5) {
    const at = 1 + Math.floor(r() * (words.length - 1));
    return [...words.slice(0, at), spelling, ...words.slice(at)].join(" ");
  }
  return [spelling, ...words].join(" ");
});

/** The legal form repeated, or a second spelling of it added ("… LIMITED LIABILITY COMPANY LIMITED"). */
const legalFormRepeat: Variant = entityOnly((r, name) => {
  const { words, form, group } = split(name);
  const first = form ?? pick(r, ["LIMITED", "LLC", "CO., LTD.", "JSC"]);
  const second = r() < 0.5 ? first : pick(r, group ?? FORM_SPELLINGS.find((g) => g.includes(first)) ?? [first]);
  return `${words.join(" ")} ${first} ${second}`;
});

/** The legal form spelt another way from the same group ("CO." / "COMPANY", "LTDA." / "LIMITADA", "JSC" / "AO"). */
const legalFormSpelling: Variant = entityOnly((r, name) => {
  const { words, form, group } = split(name);
  if (!form || !group) {
    return undefined;
  }
  const others = group.filter((s) => fold(s) !== fold(form));
  return others.length === 0 ? undefined : `${words.join(" ")} ${pick(r, others)}`;
});

const ABBREVIATIONS: Array<[RegExp, string[]]> = [
  [/\bINTERNATIONAL\b/, ["INTL", "INT'L", "INTERNAT."]],
  [/\bINDUSTRIAL\b/, ["IND.", "INDL"]],
  [/\bINDUSTRIES\b/, ["INDS", "IND."]],
  [/\bTRADING\b/, ["TRDG", "TRAD."]],
  [/\bCOMPANY\b/, ["CO.", "CO"]],
  [/\bCORPORATION\b/, ["CORP."]],
  [/\bREPUBLIC\b/, ["REP."]],
  [/\bDEVELOPMENT\b/, ["DEV.", "DEVT"]],
  [/\bMANUFACTURING\b/, ["MFG", "MFG."]],
  [/\bTECHNOLOGY\b/, ["TECH", "TECH."]],
  [/\bTECHNOLOGIES\b/, ["TECH", "TECHS"]],
  [/\bENGINEERING\b/, ["ENGG", "ENG."]],
  [/\bSHIPPING\b/, ["SHPG", "SHIPG"]],
  [/\bBROTHERS\b/, ["BROS", "BROS."]],
  [/\bASSOCIATION\b/, ["ASSN", "ASSOC."]],
  [/\bMANAGEMENT\b/, ["MGMT", "MGT"]],
  [/\bSERVICES\b/, ["SVCS", "SERV."]],
  [/\bNATIONAL\b/, ["NATL", "NAT'L"]],
  [/\bINVESTMENT\b/, ["INVT", "INV."]],
];

/** A word abbreviated ("INTL", "MFG", "BROS"), or a given name cut to its initial ("K. SHINODA"). */
const abbreviate: Variant = (r, name, type) => {
  const upper = name.toUpperCase();
  const options = ABBREVIATIONS.filter(([re]) => re.test(upper));
  if (options.length > 0) {
    const [re, to] = pick(r, options);
    return upper.replace(re, pick(r, to));
  }
  const person = /^([^,]+),\s*(\S+)(.*)$/.exec(name);
  if (type === "individual" && person && (person[2] ?? "").length > 2 && (person[3] ?? "").trim() !== "") {
    return `${(person[2] ?? "")[0]}. ${(person[3] ?? "").trim()} ${person[1] ?? ""}`;
  }
  return undefined;
};

/** The name's words in a random order (a person's "SURNAME, Given" comma dropped), its legal form kept whole, at either end. */
const permute: Variant = (r, name) => {
  const { words, form } = split(name.replace(/,/g, " "));
  if (words.length < 2) {
    return undefined;
  }
  for (let tries = 0; tries < 5; tries++) {
    const shuffled = [...words];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j] ?? "", shuffled[i] ?? ""];
    }
    if (shuffled.join(" ") !== words.join(" ")) {
      if (!form) {
        return shuffled.join(" ");
      }
      return r() < 0.5 ? `${form} ${shuffled.join(" ")}` : `${shuffled.join(" ")} ${form}`;
    }
  }
  return undefined;
};

/** One word left out, when at least two words besides the legal form remain. */
const dropWord: Variant = (r, name) => {
  const { words, form } = split(name.replace(/,/g, " "));
  if (words.length < 3) {
    return undefined;
  }
  words.splice(Math.floor(r() * words.length), 1);
  return form ? `${words.join(" ")} ${form}` : words.join(" ");
};

const TRANSLIT: Array<[RegExp, string]> = [
  [/KH/g, "H"],
  [/(?<=[AEIOU])H(?=[^AEIOU]|$)/g, "KH"],
  [/Y(?=[AEIOU])/g, "I"],
  [/IY\b/g, "I"],
  [/II\b/g, "IY"],
  [/\bY/g, "J"],
  [/J/g, "Y"],
  [/J/g, "DJ"],
  [/OU/g, "U"],
  [/U/g, "OU"],
  [/W/g, "V"],
  [/V/g, "W"],
  [/([A-Z])\1/g, "$1"],
  [/(?<=[AEIOU])([SLNRT])(?=[AEIOU])/g, "$1$1"],
  [/ZH/g, "J"],
  [/CH/g, "TCH"],
  [/SH/g, "SCH"],
  [/EI/g, "EY"],
  [/AI/g, "AY"],
  [/YE/g, "E"],
  [/\bE/g, "YE"],
  [/KS/g, "X"],
  [/PH/g, "F"],
  [/OO/g, "U"],
  [/SHI/g, "SI"],
  [/TSU/g, "TU"],
  [/OU\b/g, "O"],
  [/O\b/g, "OH"],
];

/** A transliteration variant of one word: KH/H, Y/I/J, OU/U, W/V, double letters, ZH/J, ou/o/oh … */
const transliterate: Variant = (r, name) => {
  const { words, form } = split(name);
  const spots = words.flatMap((w, i) =>
    TRANSLIT.filter(([re]) => new RegExp(re.source).test(w)).map((rule) => [i, rule] as const),
  );
  if (spots.length === 0) {
    return undefined;
  }
  const [at, [re, to]] = pick(r, spots);
  words[at] = (words[at] ?? "").replace(new RegExp(re.source), to);
  return form ? `${words.join(" ")} ${form}` : words.join(" ");
};

const VARIANTS: Array<[string, Variant]> = [
  ["typo", typo],
  ["legal-form-typo", legalFormTypo],
  ["legal-form-move", legalFormMove],
  ["legal-form-repeat", legalFormRepeat],
  ["legal-form-spelling", legalFormSpelling],
  ["abbreviation", abbreviate],
  ["permutation", permute],
  ["drop-word", dropWord],
  ["transliteration", transliterate],
];

/** Variant class names, in report order. */
export const VARIANT_KINDS = VARIANTS.map(([kind]) => kind);

const US_PLACES = [
  "FRESNO",
  "SALINAS",
  "YAKIMA",
  "STOCKTON",
  "MODESTO",
  "BAKERSFIELD",
  "TACOMA",
  "SPOKANE",
  "OMAHA",
  "WICHITA",
  "TULARE",
  "VISALIA",
  "OXNARD",
  "OGDEN",
  "BOISE",
  "REDDING",
  "CHICO",
  "MERCED",
  "YUMA",
  "LONG BEACH",
  "SAN JOAQUIN",
  "CENTRAL VALLEY",
  "INLAND EMPIRE",
  "GOLDEN STATE",
  "SIERRA NEVADA",
  "WEST COAST",
  "PACIFIC NORTHWEST",
  "GREAT PLAINS",
  "MIDWEST",
  "SOUTHERN CALIFORNIA",
];
const US_KINDS = [
  "AG EXPORTS",
  "FARMS",
  "TRADING CO",
  "LOGISTICS",
  "METALS RECYCLING",
  "PAPER FIBER",
  "SUPPLY",
  "FOODS",
  "INTERNATIONAL",
  "COMMODITIES",
  "HAY EXPORT",
  "NUT GROWERS",
  "CITRUS",
  "DAIRY PRODUCTS",
  "SCRAP METAL",
  "FREIGHT SERVICES",
  "MACHINERY",
  "PLASTICS",
  "COTTON",
  "GRAIN",
  "LUMBER",
  "AUTO PARTS",
  "MEDICAL SUPPLY",
  "WINE EXPORTS",
];
const US_FORMS = ["LLC", "INC", "INC.", "CORP", "CORPORATION", "LP", "CO", "COMPANY", ""];
const GENERIC_FIRST = [
  "PACIFIC",
  "GLOBAL",
  "INTERNATIONAL",
  "UNITED",
  "AMERICAN",
  "WESTERN",
  "EASTERN",
  "GOLDEN",
  "OCEAN",
  "ASIA PACIFIC",
  "TRANS PACIFIC",
  "NEW WORLD",
  "FIRST",
  "PREMIER",
  "ALLIANCE",
  "SUMMIT",
  "STAR",
  "EVERGREEN",
  "SUNRISE",
  "CONTINENTAL",
];
const GENERIC_SECOND = [
  "TRADING",
  "INTERNATIONAL",
  "LOGISTICS",
  "SHIPPING",
  "ENTERPRISES",
  "RESOURCES",
  "INDUSTRIES",
  "HOLDINGS",
  "EXPORT",
  "SUPPLY",
  "GROUP",
  "COMMODITIES",
  "MARINE",
  "TECHNOLOGY",
];
const JP_FIRST = [
  "TAKAHASHI",
  "WATANABE",
  "NAKAMURA",
  "KOBAYASHI",
  "YOSHIDA",
  "YAMADA",
  "SASAKI",
  "MATSUMOTO",
  "INOUE",
  "KIMURA",
  "HAYASHI",
  "SHIMIZU",
  "MORI",
  "IKEDA",
  "HASHIMOTO",
  "ISHIKAWA",
  "OGAWA",
  "OKADA",
  "MAEDA",
  "FUJITA",
  "NISHIMURA",
  "HOKKAIDO",
  "TOHOKU",
  "KANTO",
  "CHUBU",
  "KANSAI",
  "KYUSHU",
  "SHIKOKU",
  "NIIGATA",
  "SENDAI",
  "NAGOYA",
  "KOBE",
  "YOKOHAMA",
  "HIROSHIMA",
  "FUKUOKA",
  "SAPPORO",
  "DAIICHI",
  "TOYO",
  "NIHON",
  "SANYO",
  "TOKAI",
  "HOKURIKU",
  "ASAHI",
  "FUJI",
  "SAKURA",
  "MARUNAKA",
  "YAMATO",
  "NANKAI",
  "SHINWA",
  "KYOWA",
  "TAISEI",
  "DAIWA",
];
const JP_KINDS = [
  "SHOJI",
  "SANGYO",
  "BUSSAN",
  "KOGYO",
  "TRADING",
  "BOEKI",
  "SEIKI",
  "DENKI",
  "KAIUN",
  "SHOKUHIN",
  "KAGAKU",
  "SEISAKUSHO",
  "TSUSHO",
  "UNYU",
  "KENSETSU",
  "LOGISTICS",
  "FOODS",
  "STEEL",
  "ELECTRIC",
  "MACHINERY",
];
const JP_FORMS = ["K.K.", "KK", "KABUSHIKI KAISHA", "CO., LTD.", "CO LTD", "CORPORATION", "INC.", "LTD."];
const GIVEN = [
  "HIROSHI",
  "YUKI",
  "KENJI",
  "AYAKO",
  "TAKESHI",
  "NAOKO",
  "SATOSHI",
  "MICHAEL",
  "JENNIFER",
  "ROBERT",
  "LINDA",
  "DAVID",
  "SUSAN",
  "JAMES",
  "MARIA",
];
const FAMILY = [
  "TANAKA",
  "SUZUKI",
  "SATO",
  "ITO",
  "KATO",
  "YAMAMOTO",
  "NAKAJIMA",
  "JOHNSON",
  "MILLER",
  "GARCIA",
  "ANDERSON",
  "THOMPSON",
  "MARTINEZ",
  "ROBINSON",
  "CLARK",
  "LEWIS",
  "WALKER",
  "NGUYEN",
  "PATEL",
  "KIM",
  "LEE",
  "CHEN",
  "WONG",
];

/** A realistic name of an unlisted shipper, consignee or person (half Japanese firms, K.K. and Kabushiki Kaisha included). */
function unlisted(r: Rand): string {
  const roll = r();
  if (roll < 0.4) {
    const form = pick(r, JP_FORMS);
    return form === "KABUSHIKI KAISHA" && r() < 0.3
      ? `${form} ${pick(r, JP_FIRST)} ${pick(r, JP_KINDS)}`
      : `${pick(r, JP_FIRST)} ${pick(r, JP_KINDS)} ${form}`;
  }
  if (roll < 0.65) {
    return `${pick(r, US_PLACES)} ${pick(r, US_KINDS)} ${pick(r, US_FORMS)}`.trim();
  }
  if (roll < 0.85) {
    return `${pick(r, GENERIC_FIRST)} ${pick(r, GENERIC_SECOND)} ${pick(r, [...US_FORMS, "LIMITED", "CO., LTD."])}`.trim();
  }
  return r() < 0.5 ? `${pick(r, GIVEN)} ${pick(r, FAMILY)}` : `${pick(r, FAMILY)}, ${pick(r, GIVEN)}`;
}

/** Generates `positives` variants of listed names (classes in turn) and `negatives` unlisted names, deterministically from `seed`. */
export function generateLabeledSet(
  entries: ScreeningEntry[],
  seed: number,
  positives: number,
  negatives: number,
): LabeledQuery[] {
  const r = rng(seed);
  const pool = entries.filter((e) => e.type !== "vessel" && e.type !== "aircraft");
  const key = (n: string): string =>
    n
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, " ")
      .trim();
  const listed = new Set(entries.flatMap((e) => [e.name, ...e.aliases]).map(key));
  const out: LabeledQuery[] = [];
  for (let tries = 0; out.length < positives && tries < positives * 50; tries++) {
    const [kind, make] = VARIANTS[out.length % VARIANTS.length] ?? VARIANTS[0] ?? ["typo", typo];
    const entry = pick(r, pool);
    const source = r() < 0.8 || entry.aliases.length === 0 ? entry.name : pick(r, entry.aliases);
    const query = make(r, source, entry.type);
    if (query && key(query) !== key(source) && query.replace(/[^A-Za-z]/g, "").length >= 4) {
      out.push({ query, expected: `${entry.list}:${entry.id}`, kind });
    }
  }
  while (out.length < positives + negatives) {
    const query = unlisted(r);
    if (!listed.has(key(query))) {
      out.push({ query, expected: "", kind: "not-listed" });
    }
  }
  return out;
}
