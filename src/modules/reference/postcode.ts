/*
 * UK postcodes as people type them: any case, any spacing, and an O typed for a 0 at the start
 * of the inward code ("WN1 OAA"). Normalised to the ONS `pcds` form: outward code, one space,
 * inward code ("WN1 1AA"). Anything that cannot be a postcode is null.
 */

const OUTWARD = /^[A-Z]{1,2}[0-9][A-Z0-9]?$/;
const INWARD = /^[0-9][A-Z]{2}$/;

/** Normalises a postcode to "OUT IN" (the ONS pcds form), or null when it is not a postcode. */
export function normalisePostcode(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const compact = raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (compact.length < 5 || compact.length > 7) return null;
  const outward = compact.slice(0, -3);
  let inward = compact.slice(-3);
  // The inward code always starts with a digit: an O there is a slip for 0.
  if (inward[0] === 'O') inward = `0${inward.slice(1)}`;
  if (!OUTWARD.test(outward) || !INWARD.test(inward)) return null;
  return `${outward} ${inward}`;
}

/** The last postcode-shaped text in an address ("1 High St, Wigan WN1 1AA" -> "WN1 1AA"). */
export function findPostcodeInAddress(address: string | null | undefined): string | null {
  if (!address) return null;
  const matches = address.toUpperCase().match(/[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9O][A-Z]{2}\b/g);
  if (!matches) return null;
  return normalisePostcode(matches[matches.length - 1]);
}
