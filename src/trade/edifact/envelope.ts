/**
 * Group EDIFACT segments into messages (UNH…UNT) and check the UNB/UNG/UNH envelopes.
 * Count and reference mismatches are warnings: real files get them wrong and are still usable.
 */

import type { DiagnosticCollector } from "../diagnostics.ts";
import type { EdifactSegment } from "./lexer.ts";
import { at, val } from "./segment.ts";
import { edifactDate } from "./values.ts";

/** Interchange header data (UNB) a message arrived in. */
export interface InterchangeInfo {
  syntax?: string;
  sender?: string;
  recipient?: string;
  controlRef?: string;
  /** UNB preparation date and time, ISO 8601. */
  preparedAt?: string;
}

/** One message: the UNH header, its body segments (between UNH and UNT) and the UNT if present. */
export interface EdifactMessage {
  ref: string;
  /** Message type, uppercase: CUSCAR, BAPLIE … */
  type: string;
  version?: string;
  release?: string;
  agency?: string;
  /** Association assigned code (EAN004, SMDG31, LOT10 …). */
  association?: string;
  unh: EdifactSegment;
  body: EdifactSegment[];
  unt?: EdifactSegment;
  interchange?: InterchangeInfo;
}

interface OpenGroup {
  segment: EdifactSegment;
  messages: number;
}

interface OpenInterchange {
  segment: EdifactSegment;
  info: InterchangeInfo;
  messages: number;
  groups: number;
}

/** Feeds on segments in order and hands back each message when it closes. */
export class EdifactMessageAssembler {
  private interchange: OpenInterchange | undefined;
  private group: OpenGroup | undefined;
  private message: EdifactMessage | undefined;
  private strayReported = false;
  /** Number of UNH segments seen. */
  messageCount = 0;

  constructor(private readonly out: DiagnosticCollector) {}

  /** Consume one segment; returns a message when this segment completed (or implicitly closed) one. */
  push(segment: EdifactSegment): EdifactMessage | undefined {
    switch (segment.tag) {
      case "UNB":
        return this.openInterchange(segment);
      case "UNG":
        this.group = { segment, messages: 0 };
        return this.closeUnterminated();
      case "UNH":
        return this.openMessage(segment);
      case "UNT":
        return this.closeMessage(segment);
      case "UNE":
        this.closeGroup(segment);
        return this.closeUnterminated();
      case "UNZ":
        this.closeInterchange(segment);
        return this.closeUnterminated();
      default:
        return this.addBody(segment);
    }
  }

  /** Signal end of input; returns a message left open (reported as missing its UNT). */
  end(): EdifactMessage | undefined {
    const open = this.closeUnterminated();
    if (this.group) {
      this.out.error("edifact.missing_une", "functional group has no UNE trailer", at(this.group.segment));
    }
    if (this.interchange) {
      this.out.error("edifact.missing_unz", "interchange has no UNZ trailer", at(this.interchange.segment));
    }
    return open;
  }

  private openInterchange(segment: EdifactSegment): EdifactMessage | undefined {
    const open = this.closeUnterminated();
    if (this.interchange) {
      this.out.error("edifact.missing_unz", "interchange has no UNZ trailer", at(this.interchange.segment));
    }
    const info: InterchangeInfo = {
      syntax: val(segment, 1) && `${val(segment, 1)}:${val(segment, 1, 2) ?? ""}`,
      sender: val(segment, 2),
      recipient: val(segment, 3),
      controlRef: val(segment, 5),
      preparedAt: edifactDate(`${val(segment, 4) ?? ""}${val(segment, 4, 2) ?? ""}`),
    };
    this.interchange = { segment, info, messages: 0, groups: 0 };
    return open;
  }

  private openMessage(segment: EdifactSegment): EdifactMessage | undefined {
    const open = this.closeUnterminated();
    this.messageCount++;
    if (this.interchange) {
      this.interchange.messages++;
    }
    if (this.group) {
      this.group.messages++;
    }
    const ref = val(segment, 1) ?? "";
    if (!ref) {
      this.out.error("edifact.unh_missing_ref", "UNH has no message reference", at(segment, 1));
    }
    const type = (val(segment, 2) ?? "").toUpperCase();
    if (!type) {
      this.out.error("edifact.unh_missing_type", "UNH has no message type", at(segment, 2, 1));
    }
    this.message = {
      ref,
      type,
      version: val(segment, 2, 2),
      release: val(segment, 2, 3),
      agency: val(segment, 2, 4),
      association: val(segment, 2, 5),
      unh: segment,
      body: [],
      interchange: this.interchange?.info,
    };
    this.strayReported = false;
    return open;
  }

  private closeMessage(segment: EdifactSegment): EdifactMessage | undefined {
    const message = this.message;
    if (!message) {
      this.out.error("edifact.unt_without_unh", "UNT without a matching UNH", at(segment));
      return undefined;
    }
    this.message = undefined;
    message.unt = segment;
    const declared = val(segment, 1);
    const actual = message.body.length + 2;
    if (declared !== String(actual) && Number(declared) !== actual) {
      this.out.warning(
        "edifact.unt_count_mismatch",
        `UNT declares ${declared ?? "no"} segments, message ${message.ref} has ${actual}`,
        at(segment, 1),
      );
    }
    const ref = val(segment, 2);
    if (ref !== message.ref) {
      this.out.warning(
        "edifact.unt_ref_mismatch",
        `UNT reference "${ref ?? ""}" differs from UNH "${message.ref}"`,
        at(segment, 2),
      );
    }
    return message;
  }

  private closeGroup(segment: EdifactSegment): void {
    const group = this.group;
    if (!group) {
      this.out.warning("edifact.une_without_ung", "UNE without a matching UNG", at(segment));
      return;
    }
    this.group = undefined;
    if (this.interchange) {
      this.interchange.groups++;
    }
    checkCount(this.out, segment, group.messages, "UNE", "messages in the group");
    if (val(segment, 2) !== val(group.segment, 5)) {
      this.out.warning("edifact.une_ref_mismatch", "UNE reference differs from UNG", at(segment, 2));
    }
  }

  private closeInterchange(segment: EdifactSegment): void {
    const interchange = this.interchange;
    if (!interchange) {
      this.out.warning("edifact.unz_without_unb", "UNZ without a matching UNB", at(segment));
      return;
    }
    this.interchange = undefined;
    const count = interchange.groups > 0 ? interchange.groups : interchange.messages;
    checkCount(this.out, segment, count, "UNZ", interchange.groups > 0 ? "groups" : "messages");
    const ref = val(segment, 2);
    if (ref !== interchange.info.controlRef) {
      this.out.warning(
        "edifact.unz_ref_mismatch",
        `UNZ reference "${ref ?? ""}" differs from UNB "${interchange.info.controlRef ?? ""}"`,
        at(segment, 2),
      );
    }
  }

  private closeUnterminated(): EdifactMessage | undefined {
    const message = this.message;
    if (!message) {
      return undefined;
    }
    this.message = undefined;
    this.out.error(
      "edifact.missing_unt",
      `message ${message.ref} (${message.type}) has no UNT trailer`,
      at(message.unh),
    );
    return message;
  }

  private addBody(segment: EdifactSegment): undefined {
    if (this.message) {
      this.message.body.push(segment);
      return undefined;
    }
    if (!this.strayReported) {
      this.out.error(
        "edifact.segment_outside_message",
        `segment ${segment.tag} is outside any UNH…UNT message`,
        at(segment),
      );
      this.strayReported = true;
    }
    return undefined;
  }
}

function checkCount(
  out: DiagnosticCollector,
  segment: EdifactSegment,
  actual: number,
  tag: string,
  what: string,
): void {
  const declared = val(segment, 1);
  if (Number(declared) === actual) {
    return;
  }
  out.warning(
    `edifact.${tag.toLowerCase()}_count_mismatch`,
    `${tag} declares ${declared ?? "no"} ${what}, found ${actual}`,
    at(segment, 1),
  );
}
