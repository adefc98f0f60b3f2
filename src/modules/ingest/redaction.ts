/*
 * Payments to individuals are published with the name withheld: "Redacted Personal
 * Information", "REDACTED - PERSONAL DATA", "Redacted Data", "Personal Information Redacted",
 * "Name withheld", "Private individual"... They count in total spend and redacted spend and
 * are never suppliers (DESIGN.md). Matched by pattern, not by list.
 */

const REDACTED = [
  /\bredact(?:ed|ion)\b/i,
  /\bwithheld\b/i,
  /\bpersonal (?:data|information|details)\b/i,
  /\bprivate individual\b/i,
  /^(?:individual|private|confidential|not disclosed|data protection(?: act)?)$/i,
  /\bnot (?:disclosed|published)\b/i,
];

/** True when a supplier name stands for a withheld (redacted) beneficiary. */
export function isRedactedName(name: string): boolean {
  for (const pattern of REDACTED) if (pattern.test(name)) return true;
  return false;
}
