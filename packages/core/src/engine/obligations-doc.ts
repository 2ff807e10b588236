import type { GuardedAction, ServiceType } from '../codes.js';
import { FACTS, type FactName } from './facts.js';
import { blockerOverride, OVERRIDE_RULES, type OverrideKind } from './overrides.js';
import { BASELINE_PROFILE, type Profile } from './profiles.js';
import { formatSpan } from './time.js';
import { describeFulfilment, describeRule } from './words.js';

// docs/obligations.md is rendered from the catalogue, never written by hand: a test fails when
// the committed copy differs (HAVEN_WRITE_DOCS=1 rewrites it).

const OVERRIDE_WORDS: Readonly<Record<OverrideKind, string>> = {
  reason: 'yes',
  last_resort: 'last resort only',
  never: '**never**',
};

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => `\`${text}\``;

/** The catalogue of a profile (the baseline by default) as Markdown. */
export function renderObligationsDoc(profile: Profile = BASELINE_PROFILE): string {
  const refuses = new Map<string, GuardedAction[]>();
  for (const guard of profile.guards) {
    for (const blocker of guard.blockers) refuses.set(blocker.obligation, [...(refuses.get(blocker.obligation) ?? []), guard.action]);
  }
  const lines: string[] = [
    '# Obligations',
    '',
    '<!-- Generated from packages/core/src/engine/catalogue.ts by `HAVEN_WRITE_DOCS=1 npx vitest run packages/core/src/engine/obligations-doc.test.ts`; do not edit by hand. -->',
    '',
    `What the obligations engine derives for each person under the **${profile.id}** profile (${profile.name}).`,
    'The baseline is the floor set by the Protocol against the Smuggling of Migrants (DOMAIN.md section 5):',
    'a jurisdiction profile may add obligations and shorten deadlines, never remove an obligation or lengthen a deadline.',
    '',
    'An obligation is listed when its trigger holds. It is `fulfilled` when the input already shows it done,',
    'otherwise `open`. Its due time is the deadline counted from the encounter, or from the start of the detention',
    'where it says so. A standing obligation has no deadline: it holds while its trigger holds, and refuses guarded actions.',
    '',
    '## Obligations',
    '',
    '| code | what it asks | legal basis | triggered by | fulfilled by | listed as fulfilled when | deadline | counts from |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const entry of profile.obligations) {
    const definition = entry.definition;
    const referralWhen: Partial<Record<ServiceType, string>> = {};
    for (const [service, rule] of Object.entries(definition.referralWhen ?? {})) {
      if (rule !== undefined) referralWhen[service as ServiceType] = describeRule(rule);
    }
    const fulfilledBy = describeFulfilment(definition.fulfilledBy, { refuses: refuses.get(definition.code) ?? [], referralWhen });
    const deadline =
      entry.deadlineMs === null
        ? '— (standing)'
        : entry.baselineDeadlineMs !== null
          ? `${formatSpan(entry.deadlineMs)} (baseline ${formatSpan(entry.baselineDeadlineMs)})`
          : formatSpan(entry.deadlineMs);
    const base = entry.deadlineMs === null ? '—' : definition.base === 'detention' ? 'detention start' : 'encounter';
    lines.push(
      `| ${[
        code(definition.code),
        definition.summary,
        definition.basis.join('; '),
        describeRule(definition.trigger),
        fulfilledBy,
        definition.fulfilledWhen === undefined ? '—' : describeRule(definition.fulfilledWhen),
        deadline,
        base,
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  lines.push(
    '',
    'When the detention is the base and the person was never detained, the deadline counts from the encounter.',
    '',
    '## Guards',
    '',
    'Some actions are refused, not merely warned about. Each guard is always answered, with the obligations that refuse it.',
    'A refused action can be overridden only by a supervisor with a written reason; the override is audited and the oversight body sees it.',
    'Some refusals admit no override at all, because no reason can make them lawful; a child’s detention admits one only as a measure of last resort.',
    'When several obligations refuse an action, the strictest decides. Whether an override is possible never changes what the engine outputs.',
    '',
    '| action | meaning | refused by | when | override |',
    '|---|---|---|---|---|',
  );
  for (const guard of profile.guards) {
    for (const blocker of guard.blockers) {
      const override = blockerOverride(guard.action, blocker.obligation);
      lines.push(
        `| ${[code(guard.action), guard.meaning, code(blocker.obligation), describeRule(blocker.rule), `${OVERRIDE_WORDS[override.kind]}: ${override.why}`].map(cell).join(' | ')} |`,
      );
    }
  }
  lines.push('', 'An obligation a jurisdiction profile adds to refuse an action (`blocks`) is overridden as follows:', '');
  for (const guard of profile.guards) {
    const added = OVERRIDE_RULES[guard.action].added;
    lines.push(`- ${code(guard.action)}: ${OVERRIDE_WORDS[added.kind]}: ${added.why}.`);
  }
  lines.push(
    '',
    'Such an obligation refusing `share_with_origin_state` never refuses it when the person asked for their consulate (`consular` is `requested`):',
    'a consular notification the person asked for is their right (VCCR 36(1)(b)), and only the baseline rule applies then.',
  );
  lines.push(
    '',
    '## Mandatory consular notification',
    '',
    profile.mandatoryConsularNotification.length === 0
      ? 'The list is empty: the consulate is notified only when the person asks.'
      : `Nationalities notified even unasked, unless \`protection.confidentiality\` stands: ${profile.mandatoryConsularNotification.join(', ')}.`,
    '',
    '## The facts a rule sees',
    '',
    'Triggers, status rules and guard rules are [JSON Logic](https://jsonlogic.com) over this object, for example',
    '`{"in": ["pregnant", {"var": "flags"}]}` or `{"and": [{"var": "detained"}, {"==": [{"var": "consular"}, "requested"]}]}`.',
    'A jurisdiction profile (see `profiles/example-jurisdiction.yaml`) writes its added obligations the same way;',
    'a rule naming an unknown fact, operation or code is refused when the profile is loaded.',
    '',
    '| fact | meaning | values |',
    '|---|---|---|',
  );
  for (const [name, fact] of Object.entries(FACTS) as [FactName, (typeof FACTS)[FactName]][]) {
    const values = fact.values ? fact.values.map(code).join(', ') : '';
    const meaning = fact.guardsOnly ? `${fact.meaning} (guard rules only)` : fact.meaning;
    lines.push(`| ${[code(name), meaning, values].map(cell).join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}
