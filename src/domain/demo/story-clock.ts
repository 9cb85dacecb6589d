import {
  ColumnNode,
  InsertQueryNode,
  PrimitiveValueListNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
  type Kysely,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from "kysely";
import type { DB } from "../../db/schema.ts";
import type { Clock } from "../clock.ts";

/**
 * The time of the demo's story. Every domain function takes its clock, but the audit log takes its
 * time from the database; while the story is told, this stamps each audit event with the moment it
 * happened in the story instead, so the month of history reads in order and the chain hashes it.
 */
export interface StoryClock extends Clock {
  set(at: Date): void;
}

/** A story clock standing at `start`; it refuses to go back, so the audit log stays in order. */
export function storyClock(start: Date): StoryClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (at) => {
      if (at.getTime() < current) {
        throw new Error(
          `the demo story went back in time, from ${new Date(current).toISOString()} to ${at.toISOString()}`,
        );
      }
      current = at.getTime();
    },
  };
}

function isAuditInsert(node: RootOperationNode): node is InsertQueryNode {
  return (
    InsertQueryNode.is(node) &&
    node.into?.table.identifier.name === "audit_event" &&
    !(node.columns ?? []).some((c) => c.column.name === "occurred_at")
  );
}

function withTime(values: OperationNode | undefined, at: Date): OperationNode | undefined {
  if (!values || !ValuesNode.is(values)) {
    return values;
  }
  return ValuesNode.create(
    values.values.map((row) =>
      PrimitiveValueListNode.is(row)
        ? PrimitiveValueListNode.create([...row.values, at])
        : ValueListNode.create([...row.values, ValueNode.create(at)]),
    ),
  );
}

class StoryTimePlugin implements KyselyPlugin {
  constructor(private readonly clock: Clock) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    if (!isAuditInsert(node)) {
      return node;
    }
    const at = this.clock.now();
    return {
      ...node,
      columns: [...(node.columns ?? []), ColumnNode.create("occurred_at")],
      values: withTime(node.values, at),
    };
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

/** The same database, with every audit event it writes stamped at the story's time. */
export function atStoryTime(db: Kysely<DB>, clock: Clock): Kysely<DB> {
  return db.withPlugin(new StoryTimePlugin(clock));
}
