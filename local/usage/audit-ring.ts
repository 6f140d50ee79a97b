// The audit lines local mode has seen (its stand-in for the Lambdas' log groups): the newest ones, in a ring.
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { ARCHIVE_AUDIT, DISCOVERY_AUDIT, SESSION_AUDIT } from '../../lambda/core/telemetry';

export interface AuditRecord {
  /** The line's `time`, epoch ms. */
  timeMs: number;
  line: Record<string, unknown>;
}

/** Lines kept: at about 300 bytes each, a few MB, and days of a local demo. */
export const AUDIT_RING_CAPACITY = 20_000;

export class AuditRing {
  private readonly records: AuditRecord[] = [];
  private next = 0;

  constructor(private readonly capacity = AUDIT_RING_CAPACITY) {}

  add(line: Record<string, unknown>): void {
    const timeMs = Date.parse(String(line.time));
    if (Number.isNaN(timeMs)) return;
    const record = { timeMs, line: structuredClone(line) };
    if (this.records.length < this.capacity) this.records.push(record);
    else this.records[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Lines with startMs <= time < endMs, oldest first. */
  between(startMs: number, endMs: number): AuditRecord[] {
    return this.records
      .filter((r) => r.timeMs >= startMs && r.timeMs < endMs)
      .sort((a, b) => a.timeMs - b.timeMs);
  }
}

function isAuditLine(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const audit = (value as { audit?: unknown }).audit;
  return audit === SESSION_AUDIT || audit === DISCOVERY_AUDIT || audit === ARCHIVE_AUDIT;
}

/** The handlers' Logger, which also keeps each audit line it writes in the ring (what CloudWatch Logs would hold). */
export class AuditTapLogger extends Logger {
  constructor(
    options: ConstructorParameters<typeof Logger>[0],
    private readonly ring: AuditRing,
  ) {
    super(options);
  }

  override info(input: LogItemMessage, ...extra: LogItemExtraInput): void {
    for (const e of extra) if (isAuditLine(e)) this.ring.add(e);
    super.info(input, ...extra);
  }
}
