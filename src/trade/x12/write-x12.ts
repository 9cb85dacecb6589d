/**
 * Building blocks for the X12 writers: segments with the `*` `>` `~` separators, and the
 * ISA/GS … GE/IEA envelope (004010) around transaction sets.
 */

/** Element, component and segment separators the writers use. */
export const X12_WRITER_DELIMITERS = { element: "*", component: ">", segment: "~" } as const;

/** Interchange settings shared by the X12 writers. */
export interface X12WriteOptions {
  /** ISA06/GS02 sender id (at most 15 characters, qualifier ZZ). */
  sender: string;
  /** ISA08/GS03 receiver id (at most 15 characters, qualifier ZZ). */
  receiver: string;
  /** ISA13/IEA02 interchange control number, 1…999999999; also used as the GS06 group number. */
  interchangeControl: number;
  /** Preparation time for ISA09/10 and GS04/05, written in UTC. */
  preparedAt: Date;
  /** ISA15 usage indicator (default "P" production). */
  usage?: "P" | "T";
}

const SEPARATORS = /[*>~]/;

/** Check a value for X12: line breaks become spaces; separators cannot be escaped in X12, so they throw RangeError. */
export function x12Value(value: string | undefined): string {
  const text = (value ?? "").replace(/[\r\n]+/g, " ");
  if (SEPARATORS.test(text)) {
    throw new RangeError(`"${text}" contains an X12 separator (* > ~), which cannot be escaped`);
  }
  return text;
}

/** One segment with its terminator; trailing empty elements are dropped. */
export function x12Segment(tag: string, ...elements: Array<string | undefined>): string {
  const values = elements.map(x12Value);
  while (values.length > 0 && values.at(-1) === "") {
    values.pop();
  }
  return `${[tag, ...values].join(X12_WRITER_DELIMITERS.element)}${X12_WRITER_DELIMITERS.segment}`;
}

function fixed(value: string, width: number, what: string): string {
  const text = x12Value(value);
  if (text.length > width) {
    throw new RangeError(`${what} "${text}" is longer than ${width} characters`);
  }
  return text.padEnd(width, " ");
}

/**
 * Wrap transaction sets (each a list of segments, ST…SE) in one ISA/GS … GE/IEA envelope.
 * Throws RangeError for ids over 15 characters or a control number outside 1…999999999.
 */
export function x12Interchange(functionalId: string, transactions: readonly string[][], opts: X12WriteOptions): string {
  const control = opts.interchangeControl;
  if (!Number.isInteger(control) || control < 1 || control > 999_999_999) {
    throw new RangeError(`interchangeControl must be an integer 1…999999999, got ${control}`);
  }
  const stamp = opts.preparedAt.toISOString().replace(/\D/g, "");
  const isa = [
    "ISA",
    "00",
    fixed("", 10, "ISA02"),
    "00",
    fixed("", 10, "ISA04"),
    "ZZ",
    fixed(opts.sender, 15, "sender"),
    "ZZ",
    fixed(opts.receiver, 15, "receiver"),
    stamp.slice(2, 8),
    stamp.slice(8, 12),
    "U",
    "00401",
    String(control).padStart(9, "0"),
    "0",
    opts.usage ?? "P",
    X12_WRITER_DELIMITERS.component,
  ].join(X12_WRITER_DELIMITERS.element);
  const segments = [
    `${isa}${X12_WRITER_DELIMITERS.segment}`,
    x12Segment(
      "GS",
      functionalId,
      opts.sender,
      opts.receiver,
      stamp.slice(0, 8),
      stamp.slice(8, 12),
      String(control),
      "X",
      "004010",
    ),
    ...transactions.flat(),
    x12Segment("GE", String(transactions.length), String(control)),
    x12Segment("IEA", "1", String(control).padStart(9, "0")),
  ];
  return `${segments.join("\n")}\n`;
}

/** ST…SE around a body, with SE01 counting ST through SE. */
export function x12Transaction(type: string, control: string, body: readonly string[]): string[] {
  return [x12Segment("ST", type, control), ...body, x12Segment("SE", String(body.length + 2), control)];
}
