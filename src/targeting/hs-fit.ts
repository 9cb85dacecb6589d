// Does a goods line's description fit its HS code? The description's telling words against the text of the code's
// chapter, heading and every subheading of the heading in the shipped HS 2022 table (src/trade), with word variants
// for how shippers write ("SOYBEANS" / "soya beans", "LAPTOP" / "data processing", "FERTILISER" / "FERTILIZER").

import { describeHs, hsByPrefix } from "../trade/index.ts";
import { normaliseText } from "./text.ts";

/** The answer for one goods line. */
export type HsFit =
  | { fit: "fits"; word: string }
  | { fit: "misfit"; heading: string; headingText: string; words: string[] }
  /** No telling word in the description (vague or empty), or the code is not in HS 2022. */
  | { fit: "unknown" };

/** Words that say nothing about what the goods are: joining words, packing, quantities, vague goods words and states. */
const UNTELLING = new Set(
  `A AN AND OR OF FOR THE WITH WITHOUT IN ON TO FROM BY AS AT PER EACH UNDER INTO NO NOS NR X VIA ETC
  NEW USED OLD SECOND HAND SAME AS CONSIGNEE SHIPPER SHIPPERS LOAD COUNT SEAL SAID CONTAIN CONTAINS CONTAINING STC SLAC
  PKG PKGS PACKAGE PACKAGES PALLET PALLETS PLT PLTS SKID SKIDS CARTON CARTONS CTN CTNS BAG BAGS BOX BOXES CASE CASES DRUM DRUMS
  CRATE CRATES BUNDLE BUNDLES ROLL ROLLS BULK BOTTLE BOTTLES LOT LOTS SET SETS PIECE PIECES PCS PC UNIT UNITS TOTE TOTES
  KG KGS MT MTS LB LBS TON TONS TONNE TONNES M MM CM ML FT FEET
  GOOD GOODS ITEM ITEMS PRODUCT PRODUCTS MATERIAL MATERIALS EQUIPMENT MACHINERY MACHINE MACHINES APPARATUS APPLIANCE APPLIANCES
  PART PARTS SPARE SPARES ACCESSORY ACCESSORIES SUPPLY SUPPLIES ARTICLE ARTICLES COMMODITY COMMODITIES MERCHANDISE MDSE MERCH
  CARGO FREIGHT GENERAL GEN GENL MISC MISCELLANEOUS VARIOUS ASSORTED SUNDRY SUNDRIES MIXED FAK KIND KINDS ALL CONSOL CONSOLIDATED
  INDUSTRIAL COMMERCIAL HOUSEHOLD PERSONAL EFFECTS OTHER OTHERS TYPE TYPES GRADE QUALITY STANDARD PREMIUM BRAND MODEL SIZE
  NEC STUFF THING THINGS DIVERSE SAMPLE SAMPLES FRESH FROZEN CHILLED DRIED RAW INVOICE ATTACHED`
    .split(/\s+/)
    .filter((w) => w !== ""),
);

/** Trade words → words the HS text uses for the same goods (keys and values are stems, see stem()). */
const VARIANTS: Record<string, string[]> = {
  LAPTOP: ["DATA", "PORTABLE"],
  NOTEBOOK: ["DATA", "PORTABLE"],
  COMPUTER: ["DATA", "PROCESSING"],
  SERVER: ["DATA", "PROCESSING"],
  TABLET: ["DATA", "PROCESSING"],
  PRINTER: ["PRINTING"],
  ROUTER: ["ROUTING", "COMMUNICATION"],
  NETWORK: ["COMMUNICATION", "TRANSMISSION"],
  TELECOMMUNICATION: ["COMMUNICATION", "TELEPHONE"],
  TELECOM: ["COMMUNICATION", "TELEPHONE"],
  PHONE: ["TELEPHONE"],
  SMARTPHONE: ["TELEPHONE"],
  AUTO: ["VEHICLE", "MOTOR"],
  AUTOMOTIVE: ["VEHICLE", "MOTOR"],
  CAR: ["VEHICLE", "MOTOR"],
  SUV: ["VEHICLE", "MOTOR"],
  TRUCK: ["VEHICLE", "LORRY"],
  TIRE: ["TYRE"],
  LUMBER: ["WOOD"],
  TIMBER: ["WOOD"],
  PLYWOOD: ["WOOD", "PLYWOOD"],
  WOODEN: ["WOOD"],
  SOYBEAN: ["SOYA", "BEAN"],
  SOY: ["SOYA"],
  MOZZARELLA: ["CHEESE"],
  CHEDDAR: ["CHEESE"],
  PARMESAN: ["CHEESE"],
  GOUDA: ["CHEESE"],
  BEEF: ["BOVINE", "MEAT"],
  VEAL: ["BOVINE", "MEAT"],
  PORK: ["SWINE", "MEAT"],
  HAM: ["SWINE", "MEAT"],
  CHICKEN: ["FOWL", "POULTRY"],
  TURKEY: ["TURKEY", "POULTRY"],
  LAMB: ["SHEEP", "MEAT"],
  MUTTON: ["SHEEP", "MEAT"],
  SALMON: ["FISH", "SALMON"],
  TUNA: ["FISH", "TUNA"],
  SWEATER: ["JERSEY", "PULLOVER"],
  TSHIRT: ["SHIRT"],
  JEAN: ["TROUSER"],
  PANT: ["TROUSER"],
  SHOE: ["FOOTWEAR"],
  SNEAKER: ["FOOTWEAR"],
  BOOT: ["FOOTWEAR"],
  PHARMACEUTICAL: ["MEDICAMENT", "PHARMACEUTICAL"],
  MEDICINE: ["MEDICAMENT"],
  DRUG: ["MEDICAMENT"],
  VACCINE: ["VACCINE", "IMMUNOLOGICAL"],
  COSMETIC: ["BEAUTY", "MAKE", "SKIN"],
  POTASH: ["POTASSIC", "POTASSIUM"],
  MURIATE: ["CHLORIDE"],
  HDPE: ["PLASTIC", "ETHYLENE"],
  LDPE: ["PLASTIC", "ETHYLENE"],
  PET: ["PLASTIC", "POLYETHYLENE"],
  PVC: ["PLASTIC", "VINYL"],
  RESIN: ["POLYMER", "PLASTIC"],
  REGRIND: ["SCRAP", "WASTE"],
  OCC: ["PAPER", "PAPERBOARD", "CORRUGATED"],
  HMS: ["FERROUS", "SCRAP"],
  UBC: ["ALUMINIUM", "SCRAP"],
  STEEL: ["IRON", "STEEL", "FERROUS"],
  COUNTERTOP: ["WORKED", "STONE"],
  SLAB: ["STONE"],
  TILE: ["TILE", "FLAG"],
  PORCELAIN: ["CERAMIC", "PORCELAIN"],
  CLAY: ["CLAY"],
  LITTER: ["CLAY"],
  HAY: ["FODDER", "FORAGE"],
  ALFALFA: ["LUCERNE", "FORAGE"],
  NUT: ["NUT"],
  KERNEL: ["NUT", "SHELLED"],
  FRIDGE: ["REFRIGERATOR"],
  TV: ["TELEVISION"],
  SOLAR: ["PHOTOVOLTAIC"],
  BATTERY: ["ACCUMULATOR", "CELL"],
  LATHE: ["LATHE"],
  CNC: ["NUMERICALLY"],
  PACKAGING: ["PACKING", "WRAPPING"],
  ISOTOPE: ["ISOTOPE", "RADIOACTIVE"],
  RADIOGRAPHY: ["RADIOGRAPHY", "RAY"],
  XRAY: ["RAY"],
  WAFER: ["SEMICONDUCTOR"],
  CHIP: ["CIRCUIT", "SEMICONDUCTOR"],
  GUN: ["ARM", "FIREARM", "GUN"],
  RIFLE: ["RIFLE", "ARM"],
  PISTOL: ["REVOLVER", "PISTOL"],
  AMMO: ["CARTRIDGE", "AMMUNITION"],
};

/** Upper-case stem: British/American spelling folded, plurals dropped ("FERTILISERS" → "FERTILIZER", "BOXES" → "BOX"). */
export function stem(word: string): string {
  let w = word.toUpperCase();
  if (w === "ALUMINUM") {
    return "ALUMINIUM";
  }
  w = w.replace(/^SULF/, "SULPH").replace(/IS(E|ED|ER|ERS|ES|ING|ATION)$/, "IZ$1");
  if (w.length > 4 && w.endsWith("IES")) {
    return `${w.slice(0, -3)}Y`;
  }
  if (w.length > 4 && /(SS|X|Z|CH|SH)ES$/.test(w)) {
    return w.slice(0, -2);
  }
  if (w.length > 3 && w.endsWith("S") && !/(SS|US|IS)$/.test(w)) {
    return w.slice(0, -1);
  }
  return w;
}

function words(text: string): string[] {
  return normaliseText(text)
    .split(" ")
    .filter((w) => w !== "");
}

/** The telling stems of a description, each with the HS words it may appear as. */
function tellingWords(description: string): Array<{ word: string; forms: string[] }> {
  const out: Array<{ word: string; forms: string[] }> = [];
  for (const raw of words(description)) {
    if (UNTELLING.has(raw) || /^\d/.test(raw) || raw.length < 2) {
      continue;
    }
    const s = stem(raw);
    if (UNTELLING.has(s)) {
      continue;
    }
    out.push({ word: raw, forms: [s, ...(VARIANTS[s] ?? [])] });
  }
  return out;
}

const headingMemo = new Map<string, { code: string; text: string; stems: Set<string> } | null>();

/** Stems of the chapter, the heading and all its subheadings, for a normalised HS code. */
function headingStems(code: string): { code: string; text: string; stems: Set<string> } | null {
  const key = code.slice(0, 4);
  const known = headingMemo.get(key);
  if (known !== undefined) {
    return known;
  }
  const described = describeHs(code);
  let value: { code: string; text: string; stems: Set<string> } | null = null;
  if (described.ok) {
    const [chapter, heading] = described.value.path;
    if (chapter && heading) {
      const texts = [chapter.description, ...hsByPrefix(heading.code).map((e) => e.description)];
      value = { code: heading.code, text: heading.description, stems: new Set(texts.flatMap(words).map(stem)) };
    }
  }
  headingMemo.set(key, value);
  return value;
}

function appears(form: string, stems: Set<string>): boolean {
  if (stems.has(form)) {
    return true;
  }
  // Word families: "POLISHED" / "POLISH", "ZIRCON" / "ZIRCONIUM"; only for stems long enough not to mean something else.
  if (form.length < 5) {
    return false;
  }
  for (const s of stems) {
    if (s.length >= 5 && (s.startsWith(form) || form.startsWith(s))) {
      return true;
    }
  }
  return false;
}

const fitMemo = new Map<string, HsFit>();

/** Whether a description fits the HS heading of a normalised code; "unknown" when it cannot be judged. */
export function hsFit(code: string, description: string): HsFit {
  const key = `${code.slice(0, 4)}|${description}`;
  const known = fitMemo.get(key);
  if (known) {
    return known;
  }
  if (fitMemo.size >= 50_000) {
    fitMemo.clear();
  }
  const telling = tellingWords(description);
  // Chapters 98 and 99 are national provisions and "not specified according to kind": nothing to compare with.
  const heading = code.length >= 4 && !code.startsWith("98") && !code.startsWith("99") ? headingStems(code) : null;
  let result: HsFit;
  if (telling.length === 0 || !heading) {
    result = { fit: "unknown" };
  } else {
    const match = telling.find((t) => t.forms.some((f) => appears(f, heading.stems)));
    result = match
      ? { fit: "fits", word: match.word }
      : { fit: "misfit", heading: heading.code, headingText: heading.text, words: telling.map((t) => t.word) };
  }
  fitMemo.set(key, result);
  return result;
}
