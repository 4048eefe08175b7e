import type { CliCommand } from './command';
import { defineAction, jsonOption, masterOption, type MasterFlags } from './shared';

interface ExplainFlags extends MasterFlags {
  readonly role?: string;
}

/** The body of `GET /master/allocation/explain`. */
interface ExplainBody {
  readonly framework_id?: unknown;
  readonly reasons?: readonly Record<string, unknown>[];
  readonly summary?: readonly unknown[];
}

/**
 * The explanation for people: the framework, then one line per reason, the allocator's sentence with the reason's
 * kind in brackets. No reasons means the allocator sees nothing in the framework's way.
 */
export function formatExplanation(body: unknown): string {
  const b = (typeof body === 'object' && body !== null ? body : {}) as ExplainBody;
  const reasons = b.reasons ?? [];
  const summary = b.summary ?? [];
  const lines = [`Framework ${String(b.framework_id ?? '?')}:`];
  if (reasons.length === 0 && summary.length === 0) lines.push('  nothing stands in the way of offers to it right now');
  const count = Math.max(reasons.length, summary.length);
  for (let i = 0; i < count; i++) {
    const kind = reasons[i]?.['kind'];
    const sentence = summary[i] !== undefined ? String(summary[i]) : Object.entries(reasons[i] ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(' ');
    lines.push(`  - ${sentence}${typeof kind === 'string' ? ` [${kind}]` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `mesos explain <framework-id> [--role r]`: why a framework gets (no) offers, from the master's
 * `GET /master/allocation/explain` (beyond Mesos).
 */
export const explainCommand: CliCommand = {
  name: 'explain',
  register(program, context, done) {
    const command = program
      .command('explain')
      .description('Explain why a framework is (not) receiving offers, from the allocator')
      .argument('<framework-id>', 'The framework to explain')
      .option('--role <role>', 'Only this role of the framework')
      .addOption(masterOption())
      .addOption(jsonOption());
    defineAction<ExplainFlags>(command, context, done, async ({ client, args, options, out, json }) => {
      const query: Record<string, string> = { framework_id: String(args[0]) };
      if (options.role !== undefined) query['role'] = options.role;
      const body = await client.getMasterJson('/master/allocation/explain', query);
      if (options.json === true) return json(body);
      out(formatExplanation(body));
    });
    return command;
  },
};
