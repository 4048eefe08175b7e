/**
 * `GET /master/allocation/explain?framework_id=<id>[&role=<role>]`, beyond Mesos: why a framework is (not) being
 * offered resources right now, from the allocator's `explain()`. Each reason is the allocator's as data, with
 * resource values printed in Mesos's text form and filter deadlines as seconds from now, plus the sentences.
 */
import type { Explanation, ExplanationReason } from '@mesos-ts/allocator';

/** The JSON form of one reason: its fields, with resource values as text and `until` as `filtered_for_secs`. */
export function reasonJson(reason: ExplanationReason, nowMs: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(reason)) {
    if (key === 'until' && typeof value === 'number') out['filtered_for_secs'] = Math.max(0, (value - nowMs) / 1000);
    else if (typeof value === 'object' && value !== null) out[key] = String(value);
    else out[key] = value;
  }
  return out;
}

/** The endpoint's body. */
export function explanationJson(explanation: Explanation, nowMs: number): Record<string, unknown> {
  return {
    framework_id: explanation.frameworkId,
    reasons: explanation.reasons.map((r) => reasonJson(r, nowMs)),
    summary: explanation.summary,
  };
}
