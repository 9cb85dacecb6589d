/** Nuclide categories used for officer display and N42 `NuclideCategoryDescription`. */
export type NuclideCategory = "NORM" | "Medical" | "Industrial" | "SNM" | "Neutron";

/** One library nuclide: display name, category and its name in PhotoPeak.lis. */
export interface NuclideSpec {
  name: string;
  category: NuclideCategory;
  lisName: string;
}

/** The identification library (categories per radiation-methods.md §3.9 item 6). */
export const NUCLIDE_SPECS: readonly NuclideSpec[] = [
  { name: "K-40", category: "NORM", lisName: "K40" },
  { name: "Ra-226", category: "NORM", lisName: "Ra226" },
  { name: "Th-232", category: "NORM", lisName: "Th232" },
  { name: "U-238", category: "NORM", lisName: "U238" },
  { name: "I-131", category: "Medical", lisName: "I131" },
  { name: "Tc-99m", category: "Medical", lisName: "Tc99m" },
  { name: "Tl-201", category: "Medical", lisName: "Tl201" },
  { name: "Ga-67", category: "Medical", lisName: "Ga67" },
  { name: "F-18", category: "Medical", lisName: "F18" },
  { name: "In-111", category: "Medical", lisName: "In111" },
  { name: "Lu-177", category: "Medical", lisName: "Lu177" },
  { name: "I-123", category: "Medical", lisName: "I123" },
  { name: "Cs-137", category: "Industrial", lisName: "Cs137" },
  { name: "Co-60", category: "Industrial", lisName: "Co60" },
  { name: "Ir-192", category: "Industrial", lisName: "Ir192" },
  { name: "Am-241", category: "Industrial", lisName: "Am241" },
  { name: "Ba-133", category: "Industrial", lisName: "Ba133" },
  { name: "Se-75", category: "Industrial", lisName: "Se75" },
  { name: "Co-57", category: "Industrial", lisName: "Co57" },
  { name: "Eu-152", category: "Industrial", lisName: "Eu152" },
  { name: "Eu-154", category: "Industrial", lisName: "Eu154" },
  { name: "Yb-169", category: "Industrial", lisName: "Yb169" },
  { name: "Na-22", category: "Industrial", lisName: "Na22" },
  { name: "Mn-56", category: "Industrial", lisName: "Mn56" },
  { name: "U-235", category: "SNM", lisName: "U235" },
  { name: "Pu-239", category: "SNM", lisName: "Pu239" },
  { name: "Np-237", category: "SNM", lisName: "Np237" },
  { name: "Cf-252", category: "Neutron", lisName: "Cf252" },
  { name: "Cm-244", category: "Neutron", lisName: "Cm244" },
];

/** GADRAS reference-spectrum files used as full-spectrum templates, and the nuclide each represents. */
export const TEMPLATE_SOURCES: readonly { file: string; nuclide: string }[] = [
  ["K40_Unshielded", "K-40"], ["Ra226_Unshielded", "Ra-226"], ["Ra226_Shielded", "Ra-226"],
  ["Th232_Unshielded", "Th-232"], ["U238_Unshielded", "U-238"], ["I131_Unshielded", "I-131"],
  ["Tc99m_Unshielded", "Tc-99m"], ["Tl201_Unshielded", "Tl-201"], ["Ga67_Unshielded", "Ga-67"],
  ["F18_Unshielded", "F-18"], ["In111_Unshielded", "In-111"], ["Lu177_Unshielded", "Lu-177"],
  ["I123_Unshielded", "I-123"], ["Cs137_Unshielded", "Cs-137"], ["Cs137_Shielded", "Cs-137"],
  ["Co60_Unshielded", "Co-60"], ["Co60_Shielded", "Co-60"], ["Ir192_Unshielded", "Ir-192"],
  ["Ir192_Shielded", "Ir-192"], ["Am241_Unshielded", "Am-241"], ["Ba133_Unshielded", "Ba-133"],
  ["Ba133_Shielded", "Ba-133"], ["Se75_Unshielded", "Se-75"], ["Co57_Unshielded", "Co-57"],
  ["Eu152_Unshielded", "Eu-152"], ["Eu154_Unshielded", "Eu-154"], ["Yb169_Unshielded", "Yb-169"],
  ["Na22_Unshielded", "Na-22"], ["Mn56_Unshielded", "Mn-56"], ["Mn56_Shielded", "Mn-56"], ["U235_Unshielded", "U-235"], ["U235_Shielded", "U-235"],
  ["Pu239_Unshielded", "Pu-239"], ["Pu239_Shielded", "Pu-239"], ["Np237_Unshielded", "Np-237"],
  ["Cf252_Unshielded", "Cf-252"], ["I131_Shielded", "I-131"], ["I131_Phantom", "I-131"],
  ["Tc99m_Shielded", "Tc-99m"], ["Tc99m_Phantom", "Tc-99m"], ["Tl201_Shielded", "Tl-201"],
  ["Tl201woTl202_Phantom", "Tl-201"], ["Ga67_Shielded", "Ga-67"], ["Ga67_Phantom", "Ga-67"],
  ["F18_Phantom", "F-18"], ["In111_Phantom", "In-111"], ["Lu177_Phantom", "Lu-177"], ["I123_Phantom", "I-123"],
  ["Am241_Shielded", "Am-241"], ["Co57_Shielded", "Co-57"], ["Se75_Shielded", "Se-75"],
  ["Yb169_Shielded", "Yb-169"], ["Eu152_Shielded", "Eu-152"], ["Eu154_Shielded", "Eu-154"],
  ["Th232_Shielded", "Th-232"], ["K40_Unshielded-Point", "K-40"], ["Np237_Shielded", "Np-237"],
].map(([file, nuclide]) => ({ file: file!, nuclide: nuclide! }));
