/** The prescriptions of one law form in a prescriptions record, for the Approach 3 figures. @module */
import type { PrescriptionsRecord } from "../../records/schemas.ts";

/** Returns the prescriptions of `form` in `record`; throws naming the variant when missing. */
export function formOf(record: PrescriptionsRecord, form: string) {
  const f = record.forms.find((x) => x.form === form);
  if (!f) throw new Error(`report: prescriptions of variant ${record.variant} have no ${form} form`);
  return f.prescriptions;
}
