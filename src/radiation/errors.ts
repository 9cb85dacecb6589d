/** Stable error codes for unreadable radiation files. */
export type RadFileErrorCode =
  | "radfile.unknown_format"
  | "radfile.too_large"
  | "radfile.truncated"
  | "radfile.malformed"
  | "radfile.unsafe_xml"
  | "radfile.unsupported"
  | "radfile.empty";

/** Where in the input a problem was found (any subset). */
export interface RadFileLocation {
  byteOffset?: number;
  xmlPath?: string;
  line?: number;
}

/** The only error type the radiation I/O layer throws for bad input. */
export class RadFileError extends Error {
  override readonly name = "RadFileError";
  readonly code: RadFileErrorCode;
  readonly where: RadFileLocation;

  /** Creates an error with a stable code, a human message and an optional location. */
  constructor(code: RadFileErrorCode, message: string, where: RadFileLocation = {}) {
    super(message);
    this.code = code;
    this.where = where;
  }
}

/** True when `e` is a RadFileError. */
export function isRadFileError(e: unknown): e is RadFileError {
  return e instanceof RadFileError;
}
