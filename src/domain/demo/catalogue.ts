// Reference tables for the demo world: real carriers (SCAC and container owner codes), real
// UN/LOCODE ports, HS 2022 subheadings with the way shippers actually describe the goods.

/** An ocean carrier: SCAC, name, the BIC owner codes on its boxes, and its vessel-name style. */
export interface Carrier {
  scac: string;
  name: string;
  owners: string[];
  vesselPrefix: string;
  vesselNames: string[];
}

export const CARRIERS: Carrier[] = [
  {
    scac: "MAEU",
    name: "Maersk A/S",
    owners: ["MSKU", "MRKU", "MAEU"],
    vesselPrefix: "MAERSK",
    vesselNames: ["ESSEN", "KOWLOON", "HIDALGO"],
  },
  {
    scac: "MSCU",
    name: "Mediterranean Shipping Co.",
    owners: ["MSCU", "MEDU", "TGHU"],
    vesselPrefix: "MSC",
    vesselNames: ["ARIANE", "LUCIANA", "TOKYO BAY"],
  },
  {
    scac: "CMDU",
    name: "CMA CGM",
    owners: ["CMAU", "TCNU"],
    vesselPrefix: "CMA CGM",
    vesselNames: ["MELISANDE", "OHIO", "ZEPHYR"],
  },
  {
    scac: "COSU",
    name: "COSCO Shipping Lines",
    owners: ["CBHU", "CSNU", "FCIU"],
    vesselPrefix: "COSCO",
    vesselNames: ["AZALEA", "HARMONY", "PRIDE"],
  },
  {
    scac: "EGLV",
    name: "Evergreen Marine",
    owners: ["EGHU", "EISU", "EMCU"],
    vesselPrefix: "EVER",
    vesselNames: ["LASTING", "GRADE", "LOVELY"],
  },
  {
    scac: "ONEY",
    name: "Ocean Network Express",
    owners: ["ONEU", "NYKU", "KKFU"],
    vesselPrefix: "ONE",
    vesselNames: ["COMPETENCE", "MINATO", "HARBOUR"],
  },
  {
    scac: "HLCU",
    name: "Hapag-Lloyd",
    owners: ["HLXU", "HLBU", "UACU"],
    vesselPrefix: "",
    vesselNames: ["BERLIN EXPRESS", "YANTIAN EXPRESS", "SEOUL EXPRESS"],
  },
  {
    scac: "YMLU",
    name: "Yang Ming Marine Transport",
    owners: ["YMLU", "YMMU"],
    vesselPrefix: "YM",
    vesselNames: ["WELLNESS", "TRUTH", "CONSTANCY"],
  },
  {
    scac: "HDMU",
    name: "HMM Co.",
    owners: ["HDMU", "KOCU"],
    vesselPrefix: "HMM",
    vesselNames: ["NURI", "GAON", "HANBADA"],
  },
  {
    scac: "ZIMU",
    name: "ZIM Integrated Shipping",
    owners: ["ZIMU", "ZCSU"],
    vesselPrefix: "ZIM",
    vesselNames: ["PACIFIC", "SAN DIEGO", "KINGSTON"],
  },
];

/** A weekly service out of LA/LB: load port, the ports it discharges at, and who runs it. */
export interface Service {
  code: string;
  portOfLoading: "USLAX" | "USLGB";
  discharge: string[];
  carriers: string[];
  weekday: number;
  /** Share of the service's shipments relayed at discharge to a final destination elsewhere. */
  transshipment?: { via: string; to: string[]; share: number };
}

export const SERVICES: Service[] = [
  {
    code: "PNW1",
    portOfLoading: "USLAX",
    discharge: ["JPTYO", "JPYOK", "JPNGO"],
    carriers: ["ONEY", "HDMU"],
    weekday: 1,
  },
  {
    code: "JKX",
    portOfLoading: "USLGB",
    discharge: ["JPUKB", "JPOSA", "JPNGO", "JPYOK"],
    carriers: ["EGLV", "YMLU"],
    weekday: 3,
  },
  {
    code: "TP8",
    portOfLoading: "USLAX",
    discharge: ["KRPUS", "JPHKT", "JPMOJ"],
    carriers: ["MAEU", "HLCU"],
    weekday: 5,
    transshipment: { via: "KRPUS", to: ["JPSMZ", "JPHKT", "JPMOJ"], share: 0.3 },
  },
  {
    code: "CEN",
    portOfLoading: "USLGB",
    discharge: ["CNSHA", "CNNGB", "KRPUS"],
    carriers: ["COSU", "CMDU"],
    weekday: 2,
  },
  {
    code: "PSX",
    portOfLoading: "USLAX",
    discharge: ["CNYTN", "TWKHH", "VNSGN"],
    carriers: ["MSCU", "EGLV"],
    weekday: 4,
  },
  {
    code: "VTX",
    portOfLoading: "USLGB",
    discharge: ["TWKEL", "VNHPH", "VNCLI"],
    carriers: ["YMLU", "ZIMU"],
    weekday: 6,
  },
  {
    code: "AUS",
    portOfLoading: "USLAX",
    discharge: ["AUSYD", "AUMEL", "AUBNE"],
    carriers: ["HLCU", "CMDU"],
    weekday: 0,
  },
  {
    code: "KJX",
    portOfLoading: "USLGB",
    discharge: ["KRPUS", "KRKAN", "JPTYO"],
    carriers: ["HDMU", "MSCU"],
    weekday: 2,
    transshipment: { via: "KRPUS", to: ["JPYOK", "JPTYO"], share: 0.2 },
  },
];

/** A commodity as it appears on manifests. `norm` marks goods known to set off radiation portals. */
export interface Commodity {
  hs: string;
  descriptions: string[];
  packageType: string;
  kgPerContainer: [number, number];
  sizeTypes: string[];
  weight: number;
  norm?: string;
}

export const COMMODITIES: Commodity[] = [
  {
    hs: "310420",
    descriptions: ["POTASSIUM CHLORIDE FERTILIZER", "MURIATE OF POTASH 60% K2O IN BULK BAGS"],
    packageType: "BG",
    kgPerContainer: [24000, 27500],
    sizeTypes: ["22G1"],
    weight: 5,
    norm: "K-40",
  },
  {
    hs: "310430",
    descriptions: ["SULPHATE OF POTASH GRANULAR", "POTASSIUM SULFATE FERTILIZER"],
    packageType: "BG",
    kgPerContainer: [24000, 27000],
    sizeTypes: ["22G1"],
    weight: 2,
    norm: "K-40",
  },
  {
    hs: "690721",
    descriptions: ["PORCELAIN FLOOR TILES", "GLAZED CERAMIC TILES 60X60"],
    packageType: "PX",
    kgPerContainer: [20000, 26000],
    sizeTypes: ["22G1"],
    weight: 4,
    norm: "U/Th/K",
  },
  {
    hs: "680293",
    descriptions: ["POLISHED GRANITE SLABS", "GRANITE COUNTERTOPS"],
    packageType: "CR",
    kgPerContainer: [22000, 27000],
    sizeTypes: ["22G1"],
    weight: 3,
    norm: "U/Th/K",
  },
  {
    hs: "080390",
    descriptions: ["FRESH BANANAS", "BANANAS CAVENDISH FRESH"],
    packageType: "CT",
    kgPerContainer: [18000, 21000],
    sizeTypes: ["45R1"],
    weight: 3,
    norm: "K-40",
  },
  {
    hs: "180500",
    descriptions: ["COCOA POWDER UNSWEETENED"],
    packageType: "BG",
    kgPerContainer: [16000, 20000],
    sizeTypes: ["22G1"],
    weight: 1,
    norm: "K-40",
  },
  {
    hs: "250810",
    descriptions: ["BENTONITE CLAY CAT LITTER", "SODIUM BENTONITE"],
    packageType: "BG",
    kgPerContainer: [22000, 26000],
    sizeTypes: ["22G1"],
    weight: 1,
    norm: "U/Th/K",
  },
  {
    hs: "261510",
    descriptions: ["ZIRCON SAND", "ZIRCONIUM ORE CONCENTRATE"],
    packageType: "BG",
    kgPerContainer: [24000, 27000],
    sizeTypes: ["22G1"],
    weight: 1,
    norm: "Th/U",
  },
  {
    hs: "080212",
    descriptions: ["CALIFORNIA ALMONDS SHELLED", "ALMOND KERNELS NONPAREIL"],
    packageType: "CT",
    kgPerContainer: [18000, 20000],
    sizeTypes: ["42G1", "45G1"],
    weight: 8,
  },
  {
    hs: "121490",
    descriptions: ["ALFALFA HAY BALES", "TIMOTHY HAY DOUBLE COMPRESSED"],
    packageType: "BL",
    kgPerContainer: [22000, 26000],
    sizeTypes: ["45G1", "42G1"],
    weight: 8,
  },
  {
    hs: "020230",
    descriptions: ["FROZEN BONELESS BEEF", "FROZEN BEEF SHORT PLATE"],
    packageType: "CT",
    kgPerContainer: [24000, 27000],
    sizeTypes: ["45R1"],
    weight: 6,
  },
  {
    hs: "040690",
    descriptions: ["CHEDDAR CHEESE BLOCKS", "PROCESSED CHEESE"],
    packageType: "CT",
    kgPerContainer: [18000, 22000],
    sizeTypes: ["45R1"],
    weight: 3,
  },
  {
    hs: "220421",
    descriptions: ["CALIFORNIA RED WINE IN BOTTLES", "WINE 750ML BOTTLES"],
    packageType: "CS",
    kgPerContainer: [17000, 20000],
    sizeTypes: ["22G1", "42G1"],
    weight: 3,
  },
  {
    hs: "120190",
    descriptions: ["SOYBEANS IDENTITY PRESERVED", "NON-GMO SOYBEANS"],
    packageType: "BG",
    kgPerContainer: [24000, 27000],
    sizeTypes: ["22G1"],
    weight: 5,
  },
  {
    hs: "470710",
    descriptions: ["RECOVERED PAPER OCC", "WASTE PAPER KRAFT OCC 11"],
    packageType: "BL",
    kgPerContainer: [20000, 25000],
    sizeTypes: ["45G1", "42G1"],
    weight: 7,
  },
  {
    hs: "720449",
    descriptions: ["HMS 1&2 FERROUS SCRAP", "SHREDDED STEEL SCRAP"],
    packageType: "VR",
    kgPerContainer: [24000, 27500],
    sizeTypes: ["22G1"],
    weight: 5,
  },
  {
    hs: "760200",
    descriptions: ["ALUMINIUM SCRAP TAINT TABOR", "ALUMINUM UBC SCRAP"],
    packageType: "BL",
    kgPerContainer: [18000, 23000],
    sizeTypes: ["42G1"],
    weight: 3,
  },
  {
    hs: "391590",
    descriptions: ["PLASTIC SCRAP REGRIND", "HDPE REGRIND FLAKES"],
    packageType: "BG",
    kgPerContainer: [16000, 22000],
    sizeTypes: ["45G1"],
    weight: 2,
  },
  {
    hs: "870323",
    descriptions: ["USED PASSENGER VEHICLES", "USED SUV WITH TITLE"],
    packageType: "UN",
    kgPerContainer: [3000, 7500],
    sizeTypes: ["45G1"],
    weight: 3,
  },
  {
    hs: "870899",
    descriptions: ["AUTO PARTS", "VEHICLE SPARE PARTS"],
    packageType: "PK",
    kgPerContainer: [8000, 18000],
    sizeTypes: ["42G1", "45G1"],
    weight: 3,
  },
  {
    hs: "847130",
    descriptions: ["LAPTOP COMPUTERS", "PORTABLE COMPUTERS AND ACCESSORIES"],
    packageType: "CT",
    kgPerContainer: [4000, 9000],
    sizeTypes: ["42G1"],
    weight: 2,
  },
  {
    hs: "851762",
    descriptions: ["NETWORK SWITCHES AND ROUTERS", "TELECOMMUNICATION EQUIPMENT"],
    packageType: "CT",
    kgPerContainer: [3000, 8000],
    sizeTypes: ["42G1"],
    weight: 2,
  },
  {
    hs: "300490",
    descriptions: ["PHARMACEUTICAL PRODUCTS", "MEDICAMENTS IN DOSAGE FORM"],
    packageType: "CT",
    kgPerContainer: [5000, 12000],
    sizeTypes: ["45R1", "42G1"],
    weight: 2,
  },
  {
    hs: "330499",
    descriptions: ["COSMETICS AND SKIN CARE PREPARATIONS"],
    packageType: "CT",
    kgPerContainer: [8000, 14000],
    sizeTypes: ["42G1"],
    weight: 2,
  },
  {
    hs: "940360",
    descriptions: ["WOODEN FURNITURE", "OFFICE FURNITURE"],
    packageType: "PK",
    kgPerContainer: [6000, 12000],
    sizeTypes: ["45G1"],
    weight: 2,
  },
  {
    hs: "950300",
    descriptions: ["TOYS", "PLASTIC TOYS AND GAMES"],
    packageType: "CT",
    kgPerContainer: [5000, 10000],
    sizeTypes: ["45G1"],
    weight: 1,
  },
  {
    hs: "401110",
    descriptions: ["NEW PASSENGER CAR TYRES"],
    packageType: "PC",
    kgPerContainer: [9000, 14000],
    sizeTypes: ["45G1"],
    weight: 1,
  },
  {
    hs: "392690",
    descriptions: ["PLASTIC ARTICLES", "GENERAL CARGO", "FAK FREIGHT ALL KINDS"],
    packageType: "PK",
    kgPerContainer: [5000, 16000],
    sizeTypes: ["42G1", "45G1"],
    weight: 2,
  },
  {
    hs: "284420",
    descriptions: ["ENRICHED URANIUM COMPOUNDS UNDER NRC LICENSE"],
    packageType: "DR",
    kgPerContainer: [2000, 6000],
    sizeTypes: ["22G1"],
    weight: 0.05,
    norm: "U-235",
  },
];

/** Parties: exporters in California, consignees in each destination country. */
export const US_SHIPPER_STEMS = [
  "PACIFIC",
  "GOLDEN STATE",
  "SIERRA",
  "CENTRAL VALLEY",
  "INLAND EMPIRE",
  "SAN JOAQUIN",
  "HARBOR",
  "WESTERN",
  "REDWOOD",
  "MOJAVE",
  "SANTA FE",
  "CABRILLO",
];
export const US_SHIPPER_KINDS = [
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
];
export const US_SHIPPER_FORMS = ["LLC", "INC", "CORP", "LP"];
export const US_CITIES = [
  "LOS ANGELES",
  "LONG BEACH",
  "FRESNO",
  "ONTARIO",
  "BAKERSFIELD",
  "STOCKTON",
  "CARSON",
  "COMPTON",
  "TORRANCE",
  "RIVERSIDE",
];
export const US_STREETS = [
  "ALAMEDA ST",
  "PACIFIC COAST HWY",
  "HARBOR BLVD",
  "WILMINGTON AVE",
  "FIGUEROA ST",
  "VALLEY BLVD",
  "MISSION RD",
];

/** Consignee name patterns and cities per destination country. */
export const CONSIGNEES: Record<string, { stems: string[]; forms: string[]; cities: string[] }> = {
  JP: {
    stems: [
      "HOSHINO",
      "KITAGAWA",
      "MORIMOTO",
      "TAKEDA",
      "FUJIWARA",
      "NAKAMURA",
      "SAKURA",
      "ASAHI",
      "DAIICHI",
      "TOHOKU",
      "YAMATO",
      "KANSAI",
    ],
    forms: ["SHOJI CO., LTD.", "TRADING K.K.", "SANGYO KABUSHIKI KAISHA", "CORPORATION", "BUSSAN CO., LTD."],
    cities: ["TOKYO", "YOKOHAMA", "OSAKA", "KOBE", "NAGOYA", "FUKUOKA", "KITAKYUSHU", "SHIZUOKA"],
  },
  KR: {
    stems: ["HANIL", "DAESUNG", "SAMHWA", "HYOSUNG", "KUMHO", "SEOHAN"],
    forms: ["CO., LTD.", "CORPORATION", "INDUSTRIAL CO., LTD."],
    cities: ["BUSAN", "SEOUL", "INCHEON", "ULSAN"],
  },
  CN: {
    stems: ["HUAXIN", "JINLONG", "ZHONGYUAN", "HENGTAI", "DONGFANG"],
    forms: ["IMPORT & EXPORT CO., LTD.", "TRADING CO., LTD."],
    cities: ["SHANGHAI", "NINGBO", "SHENZHEN", "QINGDAO"],
  },
  TW: {
    stems: ["FORMOSA", "CHIEN", "TATUNG", "YUNG FU"],
    forms: ["ENTERPRISE CO., LTD.", "INDUSTRIAL CORP."],
    cities: ["KAOHSIUNG", "TAIPEI", "TAICHUNG", "KEELUNG"],
  },
  VN: {
    stems: ["SAO MAI", "HOANG LONG", "PHU THAI", "VIET TIN"],
    forms: ["JOINT STOCK COMPANY", "CO., LTD."],
    cities: ["HO CHI MINH CITY", "HAI PHONG", "HA NOI"],
  },
  AU: {
    stems: ["SOUTHERN CROSS", "BLUEGUM", "HARBOURSIDE", "WATTLE"],
    forms: ["PTY LTD"],
    cities: ["SYDNEY", "MELBOURNE", "BRISBANE"],
  },
};

/**
 * Japanese consignees whose carriers also file the name in Japanese script: the stem and the legal
 * form as the company writes them (KITAGAWA SHOJI CO., LTD. → 北川商事株式会社). The other stems
 * arrive romanised only, as most manifests carry them.
 */
export const JP_NATIVE_STEMS: Readonly<Record<string, string>> = {
  HOSHINO: "星野",
  KITAGAWA: "北川",
  MORIMOTO: "森本",
  TAKEDA: "武田",
  FUJIWARA: "藤原",
  ASAHI: "朝日",
  TOHOKU: "東北",
  YAMATO: "ヤマト",
};
export const JP_NATIVE_FORMS: Readonly<Record<string, (stem: string) => string>> = {
  "SHOJI CO., LTD.": (stem) => `${stem}商事株式会社`,
  "TRADING K.K.": (stem) => `${stem}トレーディング株式会社`,
  "SANGYO KABUSHIKI KAISHA": (stem) => `${stem}産業株式会社`,
  CORPORATION: (stem) => `株式会社${stem}`,
  "BUSSAN CO., LTD.": (stem) => `${stem}物産株式会社`,
};
